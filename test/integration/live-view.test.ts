import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { liveSnapshotItem } from "../../functions/db/items/live.js";
import type { MemoryMailer } from "../../functions/notify/mailer.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 12's live view (functions/workflows/live-view.ts). The attacks: a leader polling the
 * live view while people share must learn nothing between release rounds (DESIGN §3.7); the
 * reminder must reach exactly the people not taking part and tell the leader who nobody is; the
 * best-rated list must not show a number from fewer than k raters (§3.4).
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const facilitator = "facilitator@example.com";
const leader = "leader@example.com";
const minute = 60 * 1000;
const t0 = Date.UTC(2030, 4, 6, 10, 0, 30);
const at = (minutes: number) => new Date(t0 + minutes * minute);
const engineers = [
  "amara.okafor@example.com",
  "ben.fischer@example.com",
  "chloe.martin@example.com",
  "dev.patel@example.com",
  "elena.rossi@example.com",
  "felix.wagner@example.com",
];

const live = async (id: string, as = leader) => {
  const reply = await h.call("GET", `/api/conversations/${id}/live`, { as });
  expect(reply.status).toBe(200);
  return reply.body;
};

const share = async (id: string, as: string, text: string) => {
  const reply = await h.call("POST", `/api/conversations/${id}/thoughts`, {
    as,
    body: { text },
    idempotent: true,
  });
  expect(reply.status).toBe(201);
};

describe("live view", () => {
  it("moves only at release rounds while sharing, then shows released groups and who is missing", async () => {
    const id = await h.openConversation("sharing");
    await runScheduler(h.services, at(0)); // the first look: counts and a snapshot of nobody
    const opening = await live(id);
    expect(opening.counts).toMatchObject({ participants: 0, thoughts: 0 });
    expect(opening.snapshot).toMatchObject({ participants: 0, byDay: [], groups: [] });

    for (const [i, engineer] of engineers.entries()) {
      await share(id, engineer, `Engineering idea ${i}: fund the build pipeline properly this year.`);
      await runScheduler(h.services, at(3 + i * 5));
      // Between rounds a poller sees exactly what it saw at 10:00: no arrival can be timed.
      const now = await live(id);
      expect(now.counts).toEqual(opening.counts);
      expect(now.snapshot).toEqual(opening.snapshot);
    }

    await runScheduler(h.services, at(60)); // 11:00: a full hour cuts a round
    const after = await live(id);
    expect(after.counts).toMatchObject({ participants: 6, thoughts: 6 });
    expect(after.snapshot.at).toBe(after.counts.releasedAt);
    expect(after.snapshot.participants).toBe(6);
    expect(after.snapshot.byDay.reduce((n: number, d: { joined: number }) => n + d.joined, 0)).toBe(6);
    // Engineering (6 of its 7) is out. The six store only their department (a cell of 7: stored
    // snapshots are cells of at least k, docs/anonymity.md), so no location or tenure group of
    // six people exists to hide.
    expect(after.snapshot.groups).toContainEqual({
      attribute: "department",
      value: "Engineering",
      invited: 7,
      participants: 6,
      notYet: 1,
    });
    for (const group of after.snapshot.groups) expect(group.participants).toBeGreaterThanOrEqual(after.k);
    const attributes = after.snapshot.groups.map((g: { attribute: string }) => g.attribute);
    expect(new Set(attributes)).toEqual(new Set(["department"]));
    expect(after.snapshot.hiddenGroups).toBe(0);
    // Nothing in the view names a person.
    const text = JSON.stringify(after);
    for (const person of h.people) {
      expect(text).not.toContain(person.email);
      expect(text).not.toContain(person.id);
    }
  });

  it("reminds exactly the people not taking part, once per block, audited, never to employees", async () => {
    const id = await h.openConversation("sharing");
    for (const engineer of engineers.slice(0, 3))
      await share(id, engineer, "Ship smaller releases more often.");
    const mailer = h.services.mail.mailer as MemoryMailer;
    const before = mailer.sent.length;

    const employee = await h.call("POST", `/api/conversations/${id}/live/reminders`, { as: employees[0] });
    expect(employee.status).toBe(403);

    const sent = await h.call("POST", `/api/conversations/${id}/live/reminders`, { as: leader });
    expect(sent.status).toBe(202);
    // While sharing the answer carries no figure (a live count would time joins since the round).
    expect(Object.keys(sent.body).sort()).toEqual(["kind", "nextAt"]);
    const to = mailer.sent.slice(before).map((m) => m.to);
    const audience = h.people.filter((p) => p.active).map((p) => p.email);
    expect(to.sort()).toEqual(audience.filter((e) => !engineers.slice(0, 3).includes(e)).sort());
    expect(mailer.sent.slice(before).every((m) => m.kind === "reminder")).toBe(true);

    const again = await h.call("POST", `/api/conversations/${id}/live/reminders`, { as: facilitator });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(
      /^A reminder already went out in this 6-hour block\. The next can go from \w+day/,
    );
    expect(mailer.sent.length - before).toBe(to.length);

    const audit = await h.call("GET", "/api/audit", { as: "admin@example.com" });
    const entries = audit.body.entries.filter((e: { action: string }) => e.action === "conversation.remind");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorEmail: leader,
      target: `conversation:${id}`,
      details: { kind: "share" },
    });
  });

  it("shows the best-rated only while rating, only thoughts rated by at least k people", async () => {
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { ratingTarget: 2 },
    });
    const authors = employees.slice(0, 6);
    for (const [i, author] of authors.entries())
      await share(id, author, `Idea number ${i} for a better year ahead.`);
    expect((await live(id)).emerging).toEqual([]);
    await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } });

    // Four raters only: every thought has fewer than k = 5 ratings.
    const rate = async (raters: readonly string[]) => {
      for (const rater of raters) {
        const batch = await h.call("GET", `/api/conversations/${id}/rating-batch?size=25`, { as: rater });
        for (const t of batch.body.thoughts as { id: string }[])
          await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, { as: rater, body: { stars: 4 } });
      }
      await h.services.rankingSnapshots.refresh(h.services.thoughts, id, new Date());
    };
    await rate(employees.slice(10, 14));
    expect((await live(id)).emerging).toEqual([]);
    const participant = await h.call("GET", `/api/conversations/${id}/emerging`, { as: employees[10] });
    expect(participant.body).toEqual({ toGo: 0, thoughts: [] });

    await rate(employees.slice(14, 16)); // now six raters each
    const view = await live(id);
    expect(view.emerging).toHaveLength(5);
    for (const t of view.emerging) expect(t.ratings).toBeGreaterThanOrEqual(5);
    // A participant short of their target hears how many to go, not the list.
    const short = await h.call("GET", `/api/conversations/${id}/emerging`, { as: employees[20] });
    expect(short.body).toEqual({ toGo: 2, thoughts: [] });
    const reached = await h.call("GET", `/api/conversations/${id}/emerging`, { as: employees[10] });
    expect(reached.body.thoughts).toHaveLength(5);
    expect(Object.keys(reached.body.thoughts[0]).sort()).toEqual(["average", "id", "ratings", "text"]);
  });

  it("reads an unreadable snapshot as none (logged) until the scheduler writes the next", async () => {
    const id = await h.openConversation("sharing");
    const { db } = h.services;
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...liveSnapshotItem.key({ conversationId: id }), at: "yesterday", participants: -1 },
      }),
    );
    expect((await live(id)).snapshot).toBeNull();
    await runScheduler(h.services, at(0)); // its first round replaces it
    expect((await live(id)).snapshot).toMatchObject({ participants: 0, groups: [] });
  });
});
