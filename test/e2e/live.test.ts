import { beforeAll, describe, expect, it } from "vitest";
import { releaseNow } from "../../functions/workflows/release-round.js";
import { apiClient, checkBothWidths, useBrowserSuite } from "../helpers/browser.js";

/**
 * Issue 12, the "follow it while it runs" half: each fixed defect and the new views walked in
 * Chromium at 1280 and 360 px with axe at 0 violations, with a screenshot of each page at both
 * widths (GROUNDSWELL_SCREENSHOTS or the system temp folder).
 */

const e2e = useBrowserSuite({ setupTimeoutMs: 300_000 });

const facilitator = "facilitator@example.com";
const leader = "leader@example.com";
const admin = "admin@example.com";
const sales = [
  "kofi.mensah@example.com",
  "lina.haddad@example.com",
  "marco.silva@example.com",
  "nora.lind@example.com",
  "omar.aziz@example.com",
];

describe("staff outside a segment audience (defect 1)", () => {
  let id: string;
  const title = "Sales kickoff 2027";

  beforeAll(async () => {
    const api = apiClient(e2e.url);
    const created = await api.expectStatus(201, "POST", "/api/conversations", {
      as: facilitator,
      body: {
        template: "custom",
        title,
        prompt: "What should the sales team change next year?",
        audience: { kind: "segments", segments: { department: ["Sales"] } },
        settings: { moderation: "pre" },
      },
      idempotent: true,
    });
    id = created.body.id;
    await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "sharing" },
    });
    for (const [i, author] of sales.entries()) {
      await api.expectStatus(201, "POST", `/api/conversations/${id}/thoughts`, {
        as: author,
        body: { text: `Idea ${i + 1}: make discount approval for key accounts take a day, not a week.` },
        idempotent: true,
      });
    }
    // Held thoughts reach the moderation queue at a release round (DESIGN §3.7): cut one now.
    await releaseNow(e2e.server.services, { id }, new Date());
  }, 120_000);

  it("the facilitator manages and moderates it after a reload", async () => {
    const page = await e2e.signedIn(facilitator);
    await page.goto(`/facilitate/${id}`);
    await page.getByRole("heading", { name: title, level: 1 }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: title, level: 1 }).waitFor();
    expect(await page.getByText("This conversation is for another group of people").count()).toBe(0);
    // Opened by hand, never scheduled: the stepper says so (defect 5).
    await page.getByRole("list", { name: "Lifecycle" }).getByText("(skipped)").waitFor();
    await checkBothWidths(page, "staff facilitator manage");

    await page.goto(`/facilitate/${id}/moderation`);
    await page.getByRole("heading", { name: "Waiting for review", level: 2 }).waitFor();
    await page.getByRole("article", { name: "Thought to review" }).first().waitFor();
    expect(await page.getByRole("article", { name: "Thought to review" }).count()).toBe(5);
    await checkBothWidths(page, "staff moderation queue");
    await page.getByRole("button", { name: "Approve", exact: true }).first().click();
    await expect
      .poll(() => page.getByRole("article", { name: "Thought to review" }).count(), { timeout: 15_000 })
      .toBe(4);
  });

  it("the admin opens it and is told they follow it, not take part", async () => {
    const page = await e2e.signedIn(admin);
    await page.goto(`/c/${id}`);
    await page.getByRole("heading", { name: title, level: 1 }).waitFor();
    await page.getByText("You are not in this conversation's audience").waitFor();
    expect(await page.getByRole("textbox", { name: "Your thought" }).count()).toBe(0);
    await checkBothWidths(page, "staff admin conversation");
  });

  it("stays on the leader's home, under conversations for other groups", async () => {
    const page = await e2e.signedIn(leader);
    const list = page.getByRole("region", { name: "For other groups" });
    await list.getByRole("link", { name: title }).waitFor();
    await checkBothWidths(page, "staff leader home");
  });

  it("the leader finds its progress, then its report and responses, from their pages (defect 6)", async () => {
    const api = apiClient(e2e.url);
    const page = await e2e.signedIn(leader);
    await page.getByRole("link", { name: "Progress" }).first().click();
    await page.getByRole("heading", { name: "Leadership", level: 1 }).waitFor();
    const running = page.getByRole("region", { name: "Running now" });
    const card = running.getByRole("article", { name: title });
    await card.waitFor();
    expect(await card.getByText("of 5 invited").count()).toBeGreaterThan(0);
    await checkBothWidths(page, "leadership overview running");

    await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "rating" },
    });
    await page.reload();
    await card.getByRole("link", { name: "Report so far" }).waitFor();
    await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "closed" },
    });
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Leadership" }).click();
    const closed = page
      .getByRole("region", { name: "Closed and published" })
      .getByRole("article", { name: title });
    await closed.getByRole("link", { name: "Leadership report" }).waitFor();
    await checkBothWidths(page, "leadership overview closed");
    await closed.getByRole("link", { name: "Write leadership responses" }).click();
    await page.waitForURL(`**/c/${id}/responses`);
  });
});

describe("texts a facilitator reads (defect 5)", () => {
  it("an audience nobody matches warns that nobody is invited, and opening it says why it cannot", async () => {
    const api = apiClient(e2e.url);
    const created = await api.expectStatus(201, "POST", "/api/conversations", {
      as: facilitator,
      body: {
        template: "custom",
        title: "Sales offsite",
        prompt: "What should the sales offsite be about?",
        // Both exist, but no one is in Finance in Berlin (a typo is refused when saved).
        audience: { kind: "segments", segments: { department: ["Finance"], location: ["Berlin"] } },
      },
      idempotent: true,
    });
    const page = await e2e.signedIn(facilitator);
    await page.goto(`/facilitate/${created.body.id}`);
    await page.getByText("No one is invited yet").waitFor();
    // Without dates, Schedule cannot be pressed (it used to answer "Someone else moved it first").
    expect(await page.getByRole("button", { name: "Schedule", exact: true }).isDisabled()).toBe(true);
    expect(await page.getByText("Scheduled (done)").count()).toBe(0);
    await page.getByRole("button", { name: "Open for sharing" }).click();
    await page.getByRole("button", { name: "Yes, open for sharing" }).click();
    await page.getByText("No one in the directory matches this conversation's audience").waitFor();
    expect(await page.getByText("Someone else moved it first").count()).toBe(0);
    await checkBothWidths(page, "facilitator typo audience");
  });
});

describe("the manage page follows the conversation while it runs (issue 12, +page.ts loads)", () => {
  it("shows a move made elsewhere on its next read, and keeps the facilitator's unsaved edits", async () => {
    const api = apiClient(e2e.url);
    const created = await api.expectStatus(201, "POST", "/api/conversations", {
      as: facilitator,
      body: { template: "custom", title: "Office move", prompt: "What should the new office get right?" },
      idempotent: true,
    });
    const id = created.body.id;
    await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "sharing" },
    });
    const page = await e2e.signedIn(facilitator);
    await page.goto(`/facilitate/${id}`);
    await page.getByRole("heading", { name: "Office move", level: 1 }).waitFor();
    await page.getByLabel("Title").fill("Office move 2027");
    await page.getByText("You have unsaved changes.").waitFor();

    // Another facilitator (here: the API) moves it on; the page's load runs again by itself.
    await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: admin,
      body: { to: "rating" },
    });
    await page.getByText("It moved to “Rating”").waitFor({ timeout: 30_000 });
    expect(await page.getByLabel("Title").inputValue()).toBe("Office move 2027");
    await page.getByText("You have unsaved changes.").waitFor();
    await checkBothWidths(page, "manage follows a move");
  }, 90_000);
});
