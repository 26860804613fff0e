import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { starterDirectory } from "../../functions/local/starter-directory.js";
import { releaseNow } from "../../functions/workflows/release-round.js";
import {
  apiClient,
  checkBothWidths,
  desktop,
  phone,
  screenshot,
  screenshotDir,
  signIn,
  useBrowserSuite,
} from "../helpers/browser.js";
import { facilitator, leader, seedThoughts } from "./seed.js";

/**
 * Issue 12: a moderator redacts one thought and hides another after the report was computed;
 * the leader's report, on screen at 1280 and 360 px and printed to PDF, no longer holds the
 * redacted name nor the hidden thought (the offline engine's theme summaries quote members' own
 * words, so they are checked too). Screenshots and the PDF go to GROUNDSWELL_SCREENSHOTS or the
 * system temp folder.
 */
const e2e = useBrowserSuite({ setupTimeoutMs: 300_000 });

const redactedName = "Ingrid Svensson";
const named = `${redactedName} sits on every budget request for build servers until the quarter is over.`;
const edited = "Someone in finance sits on every budget request for build servers until the quarter is over.";
const hiddenWords = "llama-shaped trophy";
const hidden = `Quarterly hackathons with a ${hiddenWords} would lift morale in every office.`;

let id: string;

beforeAll(async () => {
  const api = apiClient(e2e.url);
  const created = await api.expectStatus(201, "POST", "/api/conversations", {
    as: facilitator,
    body: { template: "strategy-input", title: "Moderated report" },
    idempotent: true,
  });
  id = created.body.id;
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "sharing" },
  });
  const employees = starterDirectory.filter((p) => p.role === "employee").map((p) => p.email);
  const texts = [named, hidden, ...Object.values(seedThoughts).flatMap((list) => list.slice(0, 3))];
  const ids = new Map<string, string>();
  for (const [i, text] of texts.entries()) {
    const shared = await api.expectStatus(201, "POST", `/api/conversations/${id}/thoughts`, {
      as: employees[i % employees.length]!,
      body: { text },
      idempotent: true,
    });
    ids.set(text, shared.body.id);
  }
  // Screening holds the named thought; a moderator lets it through as it is (the mistake).
  await releaseNow(e2e.server.services, { id }, new Date());
  const queue = await api.expectStatus(200, "GET", `/api/conversations/${id}/moderation`, {
    as: facilitator,
  });
  for (const item of queue.body.items as { thoughtId: string }[])
    await api.expectStatus(200, "POST", `/api/conversations/${id}/moderation/${item.thoughtId}`, {
      as: facilitator,
      body: { action: "keep" },
    });
  // A kept thought joins the rating pool at the next round.
  await releaseNow(e2e.server.services, { id }, new Date());
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "rating" },
  });
  // Everyone rates; the first rater of each of the two flags it, so both are in the queue again.
  // The named thought gets 5 stars from everyone, so once redacted it heads the ranked list and
  // is on the page whatever the adaptive slots gave each thought (they draw at random).
  const unflagged = new Set([ids.get(named)!, ids.get(hidden)!]);
  for (const [r, email] of starterDirectory.map((p) => p.email).entries()) {
    const batch = await api.expectStatus(200, "GET", `/api/conversations/${id}/rating-batch?size=12`, {
      as: email,
    });
    for (const thought of batch.body.thoughts as { id: string }[]) {
      await api.expectStatus(200, "PUT", `/api/conversations/${id}/ratings/${thought.id}`, {
        as: email,
        body: { stars: thought.id === ids.get(named) ? 5 : 2 + (r % 4) },
      });
      if (unflagged.delete(thought.id))
        await api.expectStatus(201, "POST", `/api/conversations/${id}/flags`, {
          as: email,
          body: { thoughtId: thought.id, reason: "names-someone" },
        });
    }
  }
  expect(unflagged.size, "both thoughts were given to someone to rate").toBe(0);
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "closed" },
  });
  // Closing runs the theme engine: wait for the report.
  for (let waited = 0; ; waited += 1000) {
    const reply = await api.call("GET", `/api/conversations/${id}/report`, { as: leader });
    if (reply.status === 200) break;
    if (waited > 120_000) throw new Error(`no report after 2 minutes: ${JSON.stringify(reply.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}, 300_000);

async function openReport(page: Page) {
  await page.goto(`/c/${id}/report`);
  await page.getByRole("heading", { name: "Themes", exact: true, level: 2 }).waitFor({ timeout: 60_000 });
  await page.locator('.sections[aria-busy="false"]').waitFor();
}

describe("a report computed before moderation", () => {
  it("quotes both thoughts before (the attack's starting point)", async () => {
    const report = await apiClient(e2e.url).expectStatus(200, "GET", `/api/conversations/${id}/report`, {
      as: leader,
    });
    const text = JSON.stringify(report.body);
    expect(text).toContain(redactedName);
    expect(text).toContain(hiddenWords);
  });

  it("after a redaction and a hide in the moderation page, prints without either", async () => {
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, facilitator);
      await page.goto(`/facilitate/${id}/moderation`);
      const cards = page.getByRole("article", { name: "Thought to review" });
      const namedCard = cards.filter({ hasText: redactedName });
      await namedCard.waitFor({ timeout: 60_000 });
      await namedCard.getByRole("button", { name: "Edit and approve" }).click();
      await namedCard.getByLabel("Edited thought").fill(edited);
      await namedCard.getByRole("button", { name: "Save edit and approve" }).click();
      await page.getByRole("status").getByText("Edited and approved").waitFor();

      await cards.filter({ hasText: hiddenWords }).getByRole("button", { name: "Hide", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Hide this thought?" });
      await dialog.getByText("the report stops quoting and listing it").waitFor();
      await checkBothWidths(page, "moderated report hide confirm");
      await dialog.getByRole("button", { name: "Yes, hide it" }).click();
      await page.getByRole("status").getByText("the report no longer quotes or lists it").waitFor();
      await checkBothWidths(page, "moderated report after hide");
    } finally {
      await context.close();
    }

    const { context: leaderContext, page: report } = await e2e.open(desktop);
    try {
      await signIn(report, leader);
      await openReport(report);
      const note = report.getByText("hidden by a moderator after this version was computed");
      await note.waitFor();
      const onScreen = await report.locator("main").innerText();
      expect(onScreen).not.toContain(redactedName);
      expect(onScreen).not.toContain(hiddenWords);
      expect(onScreen).toContain("Someone in finance sits on every budget request");
      await checkBothWidths(report, "moderated report leader");
      await report.setViewportSize(phone);
      expect(await report.locator("main").innerText()).not.toContain(hiddenWords);
      await report.setViewportSize(desktop);

      await report.emulateMedia({ media: "print" });
      const pdf = join(screenshotDir, "moderated-report-A4.pdf");
      await report.pdf({ path: pdf, format: "A4", printBackground: true });
      const printed = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
      // The PDF prints what the page holds: the summary, themes and their quotes, the lists.
      expect(printed).toContain("Executive summary");
      expect(printed).toMatch(/Someone in finance sits on every budget\s+request/);
      expect(printed).not.toContain("Svensson");
      expect(printed).not.toContain("llama");
      execFileSync("pdftoppm", ["-r", "60", "-png", "-f", "1", "-l", "2", pdf, pdf.replace(/\.pdf$/, "")]);
      await report.emulateMedia({ media: "screen" });
      await screenshot(report, "moderated-report-leader-after-print");
    } finally {
      await leaderContext.close();
    }
  }, 180_000);
});
