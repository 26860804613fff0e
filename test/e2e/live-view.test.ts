import { beforeAll, describe, expect, it } from "vitest";
import type { Mailbox } from "../../functions/notify/mailer.js";
import { refreshLiveView } from "../../functions/workflows/live-view.js";
import { releaseNow } from "../../functions/workflows/release-round.js";
import { apiClient, checkBothWidths, useBrowserSuite } from "../helpers/browser.js";
import { missing, taking, topics } from "./live-crowd.js";

/**
 * Issue 12, the live view: a leader follows a running conversation (participation by day and by
 * released group, a one-click reminder to exactly the people not taking part, the best-rated so
 * far), and a participant who reached their target sees what is rising. 1280 and 360 px, axe 0.
 */

const e2e = useBrowserSuite({ setupTimeoutMs: 300_000 });

const facilitator = "facilitator@example.com";
const leader = "leader@example.com";

describe("the live view", () => {
  let id: string;
  const title = "Live: what should we change first?";
  const api = () => apiClient(e2e.url);

  beforeAll(async () => {
    const client = api();
    const now = Date.now();
    const created = await client.expectStatus(201, "POST", "/api/conversations", {
      as: facilitator,
      body: {
        template: "custom",
        title,
        prompt: "What should we change first next year?",
        settings: { ratingTarget: 3 },
        schedule: {
          sharingAt: new Date(now + 60 * 60_000).toISOString(),
          ratingAt: new Date(now + 2 * 86_400_000).toISOString(),
          closingAt: new Date(now + 4 * 86_400_000).toISOString(),
        },
      },
      idempotent: true,
    });
    id = created.body.id;
    await client.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "sharing" },
    });
    await Promise.all(
      taking.map((author, i) =>
        client.expectStatus(201, "POST", `/api/conversations/${id}/thoughts`, {
          as: author,
          body: { text: `${topics[i % topics.length]} (${i + 1})` },
          idempotent: true,
        }),
      ),
    );
    // The scheduler's release round, then its live snapshot (as every run does after a round).
    const s = e2e.server.services;
    await releaseNow(s, { id, invited: 30 }, new Date());
    expect(await refreshLiveView(s, await s.conversations.get(id), new Date())).toBe(true);
  }, 180_000);

  it("while sharing: participation by day and by group, and a reminder to exactly the missing", async () => {
    const page = await e2e.signedIn(leader);
    await page.goto("/lead");
    await page.getByRole("link", { name: "Live view" }).first().click();
    await page.getByRole("heading", { name: title, level: 1 }).waitFor();
    await page.getByText(/^Sharing ends \w+day \d+ \w+ at \d\d:\d\d/).waitFor();
    const figures = page.getByRole("region", { name: "Taking part" });
    await figures.getByText("of 30 invited").waitFor();

    await page.getByText(/^18 of 30 invited had taken part by/).waitFor();
    const groups = page.getByRole("region", { name: "By group: who is still missing" });
    // Engineering: 6 of its 7 took part; released (≥ 5, and the rest of the company is ≥ 5).
    const row = groups.getByRole("row", { name: /Engineering/ });
    await row.waitFor();
    expect(await row.innerText()).toContain("6 of 7");
    // Never a name: the leader learns counts only.
    const text = await page.evaluate(() => document.body.innerText);
    for (const name of ["Grace", "Kim", "grace.kim"]) expect(text).not.toContain(name);
    await page.getByRole("region", { name: "Rising to the top" }).getByText("once rating starts").waitFor();
    await checkBothWidths(page, "live view sharing");

    await groups.getByRole("button", { name: "Remind the 12 people not taking part yet" }).click();
    await page
      .getByText("Reminders are on their way to everyone invited who has not taken part yet.")
      .waitFor();

    // Exactly them: the missing person got it, the ones who shared did not.
    const mailer = e2e.server.services.mail.mailer as unknown as Mailbox;
    expect(mailer.list(missing).filter((m) => m.kind === "reminder")).toHaveLength(1);
    for (const person of taking.slice(0, 3))
      expect(mailer.list(person).filter((m) => m.kind === "reminder")).toHaveLength(0);
    // Rate-limited: a second click (or another leader) within the block is refused, plainly.
    const again = await api().call("POST", `/api/conversations/${id}/live/reminders`, { as: facilitator });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already went out/);
    // Audited, without a figure while sharing.
    const audit = await api().expectStatus(200, "GET", "/api/audit", { as: "admin@example.com" });
    const entry = audit.body.entries.find((e: { action: string }) => e.action === "conversation.remind");
    expect(entry).toMatchObject({
      actorEmail: leader,
      target: `conversation:${id}`,
      details: { kind: "share" },
    });
  }, 120_000);

  it("while rating: the best-rated so far, for the leader and for a participant at their target", async () => {
    const client = api();
    await client.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "rating" },
    });
    // One rater after another: a burst of 18 sign-ins at once meets admission control on a busy machine.
    for (const [i, rater] of taking.entries()) {
      const batch = await client.expectStatus(200, "GET", `/api/conversations/${id}/rating-batch`, {
        as: rater,
      });
      for (const [j, thought] of (batch.body.thoughts as { id: string }[]).entries()) {
        await client.expectStatus(200, "PUT", `/api/conversations/${id}/ratings/${thought.id}`, {
          as: rater,
          body: { stars: ((i + j) % 5) + 1 },
        });
      }
    }
    const s = e2e.server.services;
    await s.rankingSnapshots.refresh(s.thoughts, id, new Date());
    await refreshLiveView(s, await s.conversations.get(id), new Date());

    const page = await e2e.signedIn(leader);
    await page.goto(`/c/${id}/live`);
    const top = page.getByRole("region", { name: "Rising to the top" });
    await top.getByRole("listitem").first().waitFor();
    expect(await top.getByRole("listitem").count()).toBe(5);
    await top
      .getByText(/Average \d\.\d of 5 from \d+ ratings/)
      .first()
      .waitFor();
    await page.getByText(/^Rating ends /).waitFor();
    await checkBothWidths(page, "live view rating");

    const participant = await e2e.signedIn(taking[0]!);
    await participant.goto(`/c/${id}`);
    const rising = participant.getByRole("region", { name: "Rising to the top" });
    await rising.getByRole("listitem").first().waitFor();
    await participant.getByText(/^Rating ends \w+day \d+ \w+ at \d\d:\d\d (UTC|GMT)/).waitFor();
    await checkBothWidths(participant, "participant emerging");

    // Someone who has not rated yet sees how many to go, not the list.
    const newcomer = await e2e.signedIn(missing);
    await newcomer.goto(`/c/${id}`);
    await newcomer
      .getByText("Rate 3 more thoughts to see which thoughts are rising to the top so far.")
      .waitFor();
    expect(
      await newcomer.getByRole("region", { name: "Rising to the top" }).getByRole("listitem").count(),
    ).toBe(0);
    // Nothing shared: the "My thoughts" card says so and what still counts, not an empty band.
    await newcomer.getByText("You did not share a thought this time").waitFor();
    await checkBothWidths(newcomer, "participant nothing shared");
  }, 180_000);
});
