import { beforeAll, describe, expect, it } from "vitest";
import { releaseNow } from "../../functions/workflows/release-round.js";
import { apiClient, checkBothWidths, desktop, signIn, useBrowserSuite } from "../helpers/browser.js";

/**
 * Issue 12's moderation tools walked as a moderator would, in Chromium at 1280 and 360 px with
 * axe at 0: the queue count in the navigation, the reasons in plain words, edit-and-approve
 * (redact-and-keep), and bulk hide / approve with a confirmation. Screenshots go to
 * GROUNDSWELL_SCREENSHOTS or the system temp folder.
 */
const e2e = useBrowserSuite({ setupTimeoutMs: 300_000 });

const facilitator = "facilitator@example.com";
const authors = [
  "amara.okafor@example.com",
  "ben.fischer@example.com",
  "chloe.martin@example.com",
  "elena.rossi@example.com",
];
const texts = [
  "Dev Patel keeps blocking every release we plan.",
  "Publish the hiring plan every quarter, mail me at jo.bloggs@example.org",
  "Give every team one day a month without meetings.",
  "Move the all-hands to a time that works in New York too.",
];

describe("moderation tools", () => {
  let id: string;
  const ids: string[] = [];

  beforeAll(async () => {
    const api = apiClient(e2e.url);
    const created = await api.expectStatus(201, "POST", "/api/conversations", {
      as: facilitator,
      body: {
        template: "custom",
        title: "Ways of working 2027",
        prompt: "What one change would make your work easier next year?",
        settings: { moderation: "pre" },
      },
      idempotent: true,
    });
    id = created.body.id;
    await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "sharing" },
    });
    for (const [i, author] of authors.entries()) {
      const shared = await api.expectStatus(201, "POST", `/api/conversations/${id}/thoughts`, {
        as: author,
        body: { text: texts[i] },
        idempotent: true,
      });
      ids.push(shared.body.id);
    }
    // Held thoughts reach the queue at a release round (DESIGN §3.7): cut one now.
    await releaseNow(e2e.server.services, { id }, new Date());
  }, 120_000);

  it("shows the count, the reasons, and lets a moderator edit, hide and approve several at once", async () => {
    const { page } = await e2e.open(desktop);
    await signIn(page, facilitator);
    await page.goto("/facilitate");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: /^Manage conversations\s*, 4 thoughts wait for review$/ }).waitFor();
    const waiting = page
      .getByRole("main")
      .getByRole("link", { name: "4 thoughts wait for review", exact: true });
    await waiting.waitFor();
    await checkBothWidths(page, "moderation nav count");
    await waiting.click();

    await page.getByRole("heading", { name: "Waiting for review", level: 2 }).waitFor();
    const cards = page.getByRole("article", { name: "Thought to review" });
    await expect.poll(() => cards.count()).toBe(4);
    const named = cards.filter({ hasText: "keeps blocking every release" });
    await named.getByText("Names someone in the directory").waitFor();
    expect(await named.getByText("Review first").count()).toBe(1);
    const mailed = cards.filter({ hasText: "hiring plan" });
    expect(await mailed.getByText("Contact details removed").count()).toBe(1);
    await checkBothWidths(page, "moderation queue reasons");

    // Edit and approve: the name goes, the idea stays.
    await named.getByRole("button", { name: "Edit and approve" }).click();
    const editor = named.getByLabel("Edited thought");
    await editor.waitFor();
    expect(await named.getByRole("button", { name: "Save edit and approve" }).isDisabled()).toBe(true);
    await editor.fill("Someone keeps blocking every release we plan.");
    await checkBothWidths(page, "moderation redact editor");
    await named.getByRole("button", { name: "Save edit and approve" }).click();
    await page.getByRole("status").getByText("Edited and approved").waitFor();
    await expect.poll(() => cards.count()).toBe(3);
    await page.getByRole("cell", { name: "Edited and kept" }).waitFor();
    // The decision log quotes the edited text, not the removed name.
    expect(await page.getByRole("cell", { name: /Dev Patel/ }).count()).toBe(0);

    // Bulk: tick two, hide them with one confirmation.
    await cards.nth(0).getByRole("checkbox", { name: "Select this thought" }).check();
    await cards.nth(1).getByRole("checkbox", { name: "Select this thought" }).check();
    await page.getByRole("button", { name: "Hide selected (2)" }).click();
    const dialog = page.getByRole("dialog", { name: "Hide 2 thoughts?" });
    await dialog.waitFor();
    await checkBothWidths(page, "moderation bulk hide confirm");
    await dialog.getByRole("button", { name: "Yes, hide them" }).click();
    await page.getByRole("status").getByText("2 thoughts hidden.").waitFor();
    await expect.poll(() => cards.count()).toBe(1);

    // Select all, approve: the queue empties and the count leaves the navigation.
    await page.getByRole("checkbox", { name: "Select all (1)" }).check();
    await page.getByRole("button", { name: "Approve selected (1)" }).click();
    await page.getByRole("status").getByText("1 thought approved.").waitFor();
    await page.getByText("Nothing waiting for review").waitFor();
    await expect
      .poll(() => nav.getByRole("link", { name: /thoughts? waits? for review/ }).count(), { timeout: 15_000 })
      .toBe(0);
    await checkBothWidths(page, "moderation after bulk");
  });

  it("restores hidden thoughts in bulk, and the audit log names a reminder in plain words", async () => {
    const api = apiClient(e2e.url);
    await api.expectStatus(202, "POST", `/api/conversations/${id}/live/reminders`, {
      as: "leader@example.com",
    });
    const { page } = await e2e.open(desktop);
    await signIn(page, facilitator);
    await page.goto(`/facilitate/${id}/moderation?view=hidden`);
    await page.getByRole("heading", { name: "Hidden thoughts", level: 2 }).waitFor();
    // Both lists loaded (the machine may be shedding load: the page retries).
    await page.getByRole("link", { name: /^Waiting for review\s*0$/ }).waitFor({ timeout: 60_000 });
    await page.getByRole("checkbox", { name: "Select all (2)" }).check();
    await checkBothWidths(page, "moderation bulk restore");
    await page.getByRole("button", { name: "Restore selected (2)" }).click({ timeout: 60_000 });
    await page.getByRole("status").getByText("2 thoughts restored.").waitFor({ timeout: 60_000 });

    const { page: adminPage } = await e2e.open(desktop);
    await signIn(adminPage, "admin@example.com");
    await adminPage.goto("/admin/audit");
    const reminded = adminPage
      .getByRole("row")
      .filter({ hasText: "Reminded the people not taking part yet" });
    await reminded.getByText("to share a thought").waitFor();
    expect(await reminded.getByText("share", { exact: true }).count()).toBe(0);
    await checkBothWidths(adminPage, "audit reminder detail");
  });

  it("tells the author a moderator removed a detail and kept the idea", async () => {
    const { page } = await e2e.open(desktop);
    await signIn(page, authors[0]!);
    await page.goto(`/c/${id}`);
    await page.getByText("Someone keeps blocking every release we plan.").waitFor();
    await page.getByText("A moderator removed a name or detail from it and kept your idea.").waitFor();
    expect(await page.getByText("Dev Patel keeps").count()).toBe(0);
    await checkBothWidths(page, "moderation author edited");
  });
});
