import { beforeAll, describe, expect, it } from "vitest";
import { boundaryOf, releaseRule } from "../../functions/domain/release-rounds.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 9 attack 3 ("no timing channel", DESIGN §3.7): an employee who has rated or skipped
 * everything polls the rating pool, and a facilitator polls the counts, while others share. The
 * scheduler's clock is injected, so the test walks through hours of quarter-hour rounds in seconds.
 * Neither may learn when a thought arrived better than its release round.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const facilitator = "facilitator@example.com";
const attacker = employees[12]!;
const minute = 60 * 1000;
// A fixed hour of the scheduler's clock, well after the conversation opened (real time).
const t0 = Date.UTC(2030, 4, 6, 10, 0, 30);
const at = (minutes: number) => new Date(t0 + minutes * minute);

const share = async (id: string, as: string, text: string) => {
  const reply = await h.call("POST", `/api/conversations/${id}/thoughts`, {
    as,
    body: { text },
    idempotent: true,
  });
  expect(reply.status).toBe(201);
  return reply.body as { id: string; status: string; pooled: boolean };
};

/** Everything the pool offers the attacker now: ask for one thought at a time and skip it. */
async function drain(id: string, as = attacker): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const batch = await h.call("GET", `/api/conversations/${id}/rating-batch?size=1`, { as });
    expect(batch.status).toBe(200);
    const [thought] = batch.body.thoughts as { id: string }[];
    if (!thought) return seen;
    seen.push(thought.id);
    await h.call("PUT", `/api/conversations/${id}/ratings/${thought.id}`, { as, body: { skip: true } });
  }
}

const counts = async (id: string) =>
  (await h.call("GET", `/api/conversations/${id}`, { as: facilitator })).body.counts as Record<
    string,
    unknown
  >;

describe("release rounds", () => {
  it("shows a polling attacker a round's thoughts together at the round, never one by one; counts move only then", async () => {
    const id = await h.openConversation("sharing");
    await runScheduler(h.services, at(0)); // the first look at 10:00: nothing waits
    const opening = await counts(id);
    expect(opening).toMatchObject({ participants: 0, thoughts: 0, ratings: 0 });

    // 10:03–10:50: three thoughts, one every quarter hour; the scheduler runs every few minutes.
    const authors = employees.slice(0, 9);
    const firstRound: string[] = [];
    for (const [i, minutes] of [3, 20, 38].entries()) {
      firstRound.push((await share(id, authors[i]!, `Quiet hour thought ${i} about our priorities.`)).id);
      for (const tick of [minutes, minutes + 1, minutes + 7]) {
        await runScheduler(h.services, at(tick));
        expect(await drain(id), `pool at minute ${tick}`).toEqual([]);
        // A rating happened too (the attacker's skips): still the counts of 10:00.
        expect(await counts(id)).toEqual(opening);
      }
    }
    // The author is told when it joins.
    const mine = await h.call("GET", `/api/conversations/${id}/thoughts/mine`, { as: authors[0] });
    expect(mine.body.thoughts[0]).toMatchObject({ status: "visible", pooled: false });

    // 11:00: a full hour, so the three join together although fewer than five wait.
    await runScheduler(h.services, at(60));
    expect((await drain(id)).sort()).toEqual([...firstRound].sort());
    const afterFirst = await counts(id);
    // Three authors and the attacker, who joined by asking for a batch.
    expect(afterFirst).toMatchObject({
      participants: 4,
      thoughts: 3,
      releasedAt: "2030-05-06T11:00:00.000Z",
    });
    const mineNow = await h.call("GET", `/api/conversations/${id}/thoughts/mine`, { as: authors[0] });
    expect(mineNow.body.thoughts[0]).toMatchObject({ status: "visible", pooled: true });

    // 11:01–11:14: six thoughts; at 11:15 five or more wait, so they join together.
    const secondRound: string[] = [];
    for (let i = 0; i < 6; i++) {
      secondRound.push((await share(id, authors[3 + i]!, `Busy quarter thought ${i} on hiring.`)).id);
      await runScheduler(h.services, at(62 + 2 * i));
      expect(await drain(id)).toEqual([]);
      expect(await counts(id)).toEqual(afterFirst);
    }
    await runScheduler(h.services, at(75));
    expect((await drain(id)).sort()).toEqual([...secondRound].sort());
    expect(await counts(id)).toMatchObject({
      participants: 10,
      thoughts: 9,
      releasedAt: "2030-05-06T11:15:00.000Z",
    });

    // A repeated or late tick in the same quarter hour cuts nothing twice.
    const late = await share(id, employees[9]!, "A late thought in the same quarter hour.");
    await runScheduler(h.services, at(79));
    expect(await drain(id)).toEqual([]);
    // Nothing stored with the waiting ids says when they came.
    const waitingItems = (await h.scanAll()).filter((item) => String(item.sk).startsWith("ROUND#W#"));
    for (const item of waitingItems)
      expect(["pk", "sk", "waiting"]).toEqual(expect.arrayContaining(Object.keys(item)));
    // A shard whose set emptied at a round keeps no `waiting` attribute (DynamoDB drops empty sets).
    expect(waitingItems.some((item) => (item.waiting as Set<string> | undefined)?.has(late.id))).toBe(true);
    await runScheduler(h.services, at(120));
    expect(await drain(id)).toEqual([late.id]);
  });

  it("never keeps a thought waiting past the hour, and flushes everything when sharing ends", async () => {
    const id = await h.openConversation("sharing");
    const one = await share(id, employees[0]!, "The only thought before rating starts.");
    const two = await share(id, employees[1]!, "A second one, shared just before the end.");
    expect(await drain(id)).toEqual([]);
    const moved = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "rating" },
    });
    expect(moved.status).toBe(200);
    expect((await drain(id)).sort()).toEqual([one.id, two.id].sort());
    // Rating is open: counts are the live sums again.
    expect(await counts(id)).toMatchObject({ thoughts: 2, participants: 3, ratings: 0, skips: 2 });
    expect((await counts(id)).releasedAt).toBeUndefined();
  });

  it("makes a thought a moderator keeps wait for the next round, like a new one", async () => {
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { moderation: "pre" },
    });
    await runScheduler(h.services, at(200));
    const held = await share(id, employees[2]!, "An idea that waits for a moderator first.");
    expect(held.status).toBe("pending");
    // Held for a moderator, it reaches the queue at a round too: one held at a quarter hour is no round.
    await runScheduler(h.services, at(215));
    const queued = async () =>
      (await h.call("GET", `/api/conversations/${id}/moderation`, { as: facilitator })).body.items.length;
    expect(await queued()).toBe(0);
    await runScheduler(h.services, at(240)); // the full hour
    expect(await queued()).toBe(1);
    const kept = await h.call("POST", `/api/conversations/${id}/moderation/${held.id}`, {
      as: facilitator,
      body: { action: "keep" },
    });
    expect(kept.status).toBe(200);
    expect(await drain(id)).toEqual([]);
    await runScheduler(h.services, at(255)); // a quarter hour with one waiting: no round
    expect(await drain(id)).toEqual([]);
    await runScheduler(h.services, at(300)); // the full hour
    expect(await drain(id)).toEqual([held.id]);
    // Flagged by a rater and kept, a thought already in the pool stays there.
    const flagged = await h.call("POST", `/api/conversations/${id}/flags`, {
      as: attacker,
      body: { thoughtId: held.id, reason: "off-topic" },
    });
    expect(flagged.body.flagged).toBe(true);
    const again = await h.call("POST", `/api/conversations/${id}/moderation/${held.id}`, {
      as: facilitator,
      body: { action: "keep" },
    });
    expect(again.status).toBe(200);
    expect(await drain(id, employees[13]!)).toEqual([held.id]);
  });

  it("cuts rounds by the clock alone: every boundary is a quarter hour", () => {
    expect(boundaryOf(at(14)) + 1).toBe(boundaryOf(at(15)));
    expect(releaseRule).toMatchObject({ boundaryMinutes: 15, minimum: 5, flushEvery: 4 });
  });
});
