import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { maxBulkDecisions } from "../../functions/domain/moderation.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 12 moderation tools and issue 9's queue timing: why a thought was caught, redact-and-keep,
 * bulk decisions (bounded, idempotent, conditional per thought, partial failures per item), the
 * navigation's count, and held thoughts reaching the queue only at release rounds.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const facilitator = "facilitator@example.com";
const admin = "admin@example.com";
const minute = 60 * 1000;
// A fixed hour of the scheduler's clock, well after the conversations opened (real time).
const t0 = Date.UTC(2031, 2, 4, 9, 0, 30);
const at = (minutes: number) => new Date(t0 + minutes * minute);

async function share(id: string, as: string, text: string) {
  const reply = await h.call("POST", `/api/conversations/${id}/thoughts`, {
    as,
    body: { text },
    idempotent: true,
  });
  expect(reply.status).toBe(201);
  return reply.body as { id: string; status: string };
}

type Entry = { thoughtId: string; text: string; reasons: string[]; status: string };
const queue = async (id: string, view = "open", as = facilitator) => {
  const reply = await h.call("GET", `/api/conversations/${id}/moderation?view=${view}`, { as });
  expect(reply.status).toBe(200);
  return reply.body.items as Entry[];
};
const decide = (id: string, thoughtId: string, body: Record<string, unknown>, as = facilitator) =>
  h.call("POST", `/api/conversations/${id}/moderation/${thoughtId}`, { as, body });
const bulk = (id: string, body: Record<string, unknown>, as = facilitator) =>
  h.call("POST", `/api/conversations/${id}/moderation-decisions`, { as, body });

/** A pre-moderated conversation with `n` thoughts, released to the queue. */
async function heldThoughts(n: number) {
  const id = await h.openConversation("sharing", {
    template: "strategy-input",
    settings: { moderation: "pre" },
  });
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push((await share(id, employees[i]!, `Idea number ${i + 1} about our tools.`)).id);
  await h.releaseRound(id);
  return { id, ids };
}

describe("why a thought is in the queue", () => {
  it("records the check that caught it, pre-moderation and removed contacts — nothing about the author", async () => {
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { moderation: "pre" },
    });
    const named = await share(id, employees[0]!, "Honestly Peter Miller is the reason projects stall.");
    const rude = await share(
      id,
      employees[1]!,
      "Whoever planned this reorg is an idiot, mail me at jo.bloggs@example.org",
    );
    const plain = await share(id, employees[2]!, "We should publish the roadmap every quarter.");
    await h.releaseRound(id);
    const reasons = new Map((await queue(id)).map((e) => [e.thoughtId, e.reasons]));
    expect(reasons.get(named.id)).toEqual(["name", "pre-moderation"]);
    expect(reasons.get(rude.id)).toEqual(["language", "pre-moderation", "contacts-removed"]);
    expect(reasons.get(plain.id)).toEqual(["pre-moderation"]);
    // The stored entry holds the reasons and nothing else: no time, no author, no key of a person.
    const entries = (await h.scanAll()).filter((item) => String(item.sk).startsWith("REVIEW#"));
    for (const entry of entries.filter((e) => e.pk === `CONV#${id}`))
      expect(Object.keys(entry).sort()).toEqual(["flags", "pk", "reasons", "sk", "state", "thoughtId"]);
  });
});

describe("held thoughts reach the queue only at release rounds", () => {
  it("shows a polling moderator nothing until the round, then the round's thoughts together", async () => {
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { moderation: "pre" },
    });
    await runScheduler(h.services, at(0)); // the first look at 9:00
    const first = await share(id, employees[3]!, "A first idea about onboarding.");
    expect(await queue(id)).toEqual([]);
    const second = await share(id, employees[4]!, "A second idea about onboarding.");
    await runScheduler(h.services, at(15)); // a quarter hour with two waiting: no round
    expect(await queue(id)).toEqual([]);
    // The navigation's count does not move either.
    const count = await h.call("GET", "/api/moderation/waiting", { as: facilitator });
    expect(count.body.conversations.find((c: { id: string }) => c.id === id)).toBeUndefined();
    await runScheduler(h.services, at(60)); // the full hour: both, together
    expect((await queue(id)).map((e) => e.thoughtId).sort()).toEqual([first.id, second.id].sort());
  });

  it("lets a conversation with one thought flow: queue at the hour, pool at the next round after approval", async () => {
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { moderation: "pre" },
    });
    await runScheduler(h.services, at(120)); // 11:00, first look
    const only = await share(id, employees[5]!, "The only idea in this conversation.");
    await runScheduler(h.services, at(135));
    expect(await queue(id)).toEqual([]);
    await runScheduler(h.services, at(180)); // 12:00
    expect((await queue(id)).map((e) => e.thoughtId)).toEqual([only.id]);
    expect((await decide(id, only.id, { action: "keep" })).status).toBe(200);
    const rater = employees[6]!;
    const before = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: rater });
    expect(before.body.thoughts).toEqual([]);
    await runScheduler(h.services, at(240)); // 13:00
    const after = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: rater });
    expect(after.body.thoughts.map((t: { id: string }) => t.id)).toEqual([only.id]);
  });

  it("counts held thoughts towards a round's five, and a decision on a held thought is a 404", async () => {
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { moderation: "pre" },
    });
    await runScheduler(h.services, at(300));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await share(id, employees[7 + i]!, `Held idea ${i + 1} about travel.`)).id);
    expect((await decide(id, ids[0]!, { action: "keep" })).status).toBe(404);
    await runScheduler(h.services, at(315)); // five waiting: a round at the quarter hour
    expect((await queue(id)).map((e) => e.thoughtId).sort()).toEqual([...ids].sort());
  });
});

describe("redact and keep", () => {
  it("stores the edited text only, tells the author, and audits the decision by pseudonym", async () => {
    const id = await h.openConversation("sharing", { template: "strategy-input" });
    const author = employees[13]!;
    const original = "Dev Patel keeps blocking every release we plan.";
    const held = await share(id, author, original);
    expect(held.status).toBe("pending");
    await h.releaseRound(id);
    const edited = "Someone keeps blocking every release we plan.";
    const reply = await decide(id, held.id, { action: "redact", text: edited });
    expect(reply.status).toBe(200);
    expect(reply.body.outcome).toBe("done");
    // Nothing in the table still holds the original words.
    const table = JSON.stringify(await h.scanAll());
    expect(table).not.toContain("Patel keeps blocking");
    const mine = await h.call("GET", `/api/conversations/${id}/thoughts/mine`, { as: author });
    expect(mine.body.thoughts[0]).toMatchObject({ text: edited, editedByModerator: true, status: "visible" });
    // It waits for a round like a kept thought, then raters see the edited text.
    await h.releaseRound(id);
    const batch = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: employees[14]! });
    expect(batch.body.thoughts.map((t: { text: string }) => t.text)).toEqual([edited]);
    const log = await h.call("GET", `/api/conversations/${id}/moderation/log`, { as: facilitator });
    const entry = log.body.entries.find((e: { thoughtId: string }) => e.thoughtId === held.id);
    expect(entry).toMatchObject({ action: "redact", role: "facilitator" });
    expect(entry.at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(log.body)).not.toContain("facilitator@example.com");
    // Repeating the same redaction changes nothing; a different one after the decision is a conflict.
    expect((await decide(id, held.id, { action: "redact", text: edited })).body.outcome).toBe("unchanged");
    expect((await decide(id, held.id, { action: "redact", text: "Another edit of it." })).status).toBe(409);
  });

  it("refuses an edit that changes nothing, is empty, too long or brings contact details back", async () => {
    const id = await h.openConversation("sharing", { template: "strategy-input" });
    const held = await share(id, employees[15]!, "Peter Miller should run the pricing review.");
    await h.releaseRound(id);
    const same = await decide(id, held.id, {
      action: "redact",
      text: "Peter Miller should run the pricing review.",
    });
    expect(same.status).toBe(400);
    expect(same.headers.get("content-type")).toContain("application/problem+json");
    expect((await decide(id, held.id, { action: "redact", text: "  " })).status).toBe(400);
    expect((await decide(id, held.id, { action: "redact", text: "x".repeat(5000) })).status).toBe(400);
    expect((await decide(id, held.id, { action: "redact" })).status).toBe(400);
    const withMail = await decide(id, held.id, {
      action: "redact",
      text: "Someone should run the pricing review: write to p.m@example.org",
    });
    expect(withMail.status).toBe(200);
    const [stored] = (await h.scanAll()).filter((i) => i.sk === `THOUGHT#${held.id}`);
    expect(stored?.text).not.toContain("@example.org");
  });
});

describe("bulk decisions", () => {
  it("refuses oversize, duplicate and malformed requests with a problem, writing nothing", async () => {
    const { id, ids } = await heldThoughts(2);
    const tooMany = Array.from({ length: maxBulkDecisions + 1 }, (_, i) => `t${i}`);
    const oversize = await bulk(id, { action: "keep", thoughtIds: tooMany });
    expect(oversize.status).toBe(400);
    expect(oversize.body.errors[0].path).toBe("thoughtIds");
    const twice = await bulk(id, { action: "keep", thoughtIds: [ids[0], ids[0]] });
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].message).toContain("twice");
    expect((await bulk(id, { action: "keep", thoughtIds: [] })).status).toBe(400);
    expect((await bulk(id, { action: "redact", thoughtIds: [ids[0]] })).status).toBe(400);
    expect((await bulk("no-such-conversation", { action: "keep", thoughtIds: [ids[0]] })).status).toBe(404);
    expect((await bulk(id, { action: "keep", thoughtIds: [ids[0]] }, employees[0])).status).toBe(403);
    expect(await queue(id)).toHaveLength(2);
  });

  it("decides each thought on its own and reports every outcome; a repeat changes nothing", async () => {
    const { id, ids } = await heldThoughts(4);
    // Another moderator hides one first.
    expect((await decide(id, ids[3]!, { action: "hide" }, admin)).status).toBe(200);
    const reply = await bulk(id, { action: "keep", thoughtIds: [ids[0], ids[1], "no-such-thought", ids[3]] });
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      "done",
      "done",
      "not-found",
      "conflict",
    ]);
    expect(reply.body.results[3].detail).toContain("hidden");
    const again = await bulk(id, { action: "keep", thoughtIds: [ids[0], ids[1]] });
    expect(again.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["unchanged", "unchanged"]);
    expect((await queue(id)).map((e) => e.thoughtId)).toEqual([ids[2]]);
    const log = await h.call("GET", `/api/conversations/${id}/moderation/log`, { as: facilitator });
    expect(log.body.entries.filter((e: { action: string }) => e.action === "keep")).toHaveLength(2);
  });

  it("restores hidden thoughts in bulk: mixed states each get their own outcome, a repeat changes nothing", async () => {
    const { id, ids } = await heldThoughts(5);
    const hidden = await bulk(id, { action: "hide", thoughtIds: [ids[0], ids[1], ids[2]] });
    expect(hidden.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["done", "done", "done"]);
    // ids[3] is approved (visible already), ids[4] still waits for review.
    expect((await decide(id, ids[3]!, { action: "keep" })).status).toBe(200);
    const reply = await bulk(id, {
      action: "restore",
      thoughtIds: [ids[0], ids[1], ids[3], ids[4], "no-such-thought"],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      "done",
      "done",
      "unchanged",
      "conflict",
      "not-found",
    ]);
    expect(reply.body.results[3].detail).toContain("waits for review");
    expect((await queue(id, "hidden")).map((e) => e.thoughtId)).toEqual([ids[2]]);
    // The one waiting for review is untouched: still in the queue, still not visible.
    expect((await queue(id)).map((e) => [e.thoughtId, e.status])).toEqual([[ids[4], "pending"]]);
    const again = await bulk(id, { action: "restore", thoughtIds: [ids[0], ids[1]] });
    expect(again.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["unchanged", "unchanged"]);
    const log = await h.call("GET", `/api/conversations/${id}/moderation/log`, { as: facilitator });
    expect(log.body.entries.filter((e: { action: string }) => e.action === "restore")).toHaveLength(2);
    // Bounded like every bulk request: 51 ids or a duplicate is a 400 that restores nothing.
    const tooMany = [ids[2]!, ...Array.from({ length: maxBulkDecisions }, (_, i) => `t${i}`)];
    expect((await bulk(id, { action: "restore", thoughtIds: tooMany })).status).toBe(400);
    expect((await bulk(id, { action: "restore", thoughtIds: [ids[2], ids[2]] })).status).toBe(400);
    expect((await queue(id, "hidden")).map((e) => e.thoughtId)).toEqual([ids[2]]);
  });

  it("lets two moderators decide the same thoughts at once: each thought is decided exactly once", async () => {
    const { id, ids } = await heldThoughts(6);
    const [a, b] = await Promise.all([
      bulk(id, { action: "hide", thoughtIds: ids }, facilitator),
      bulk(id, { action: "keep", thoughtIds: [...ids].reverse() }, admin),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const outcomes = new Map<string, string[]>();
    for (const r of [...a.body.results, ...b.body.results])
      outcomes.set(r.thoughtId, [...(outcomes.get(r.thoughtId) ?? []), r.outcome]);
    for (const thoughtId of ids) expect(outcomes.get(thoughtId)!.sort()).toEqual(["conflict", "done"]);
    const log = await h.call("GET", `/api/conversations/${id}/moderation/log`, { as: facilitator });
    expect(log.body.entries).toHaveLength(ids.length);
    const hidden = (await queue(id, "hidden")).map((e) => e.thoughtId);
    const hides = a.body.results.filter((r: { outcome: string }) => r.outcome === "done").length;
    expect(hidden).toHaveLength(hides);
    // The open count moved once per thought: nothing left to count for this conversation.
    expect(await h.services.moderation.waitingCounts()).not.toContainEqual(
      expect.objectContaining({ conversationId: id }),
    );
    expect(await queue(id)).toEqual([]);
  });
});

describe("the navigation's count", () => {
  it("counts every conversation's open entries with one Query, as flags, rounds and decisions change them", async () => {
    // A table of its own, so the totals are exact; every DynamoDB command is counted.
    const sent: string[] = [];
    const counted = await createHarness({
      wrapDb: (db) => ({
        ...db,
        doc: new Proxy(db.doc, {
          get(target, name, receiver) {
            if (name !== "send") return Reflect.get(target, name, receiver);
            return (command: object, ...rest: unknown[]) => {
              sent.push(command.constructor.name);
              return (target.send as (...args: unknown[]) => unknown)(command, ...rest);
            };
          },
        }),
      }),
    });
    const waiting = async (as = facilitator) => {
      sent.length = 0;
      const reply = await counted.call("GET", "/api/moderation/waiting", { as });
      expect(reply.status).toBe(200);
      return reply.body as { total: number; conversations: { id: string; title: string; waiting: number }[] };
    };
    const shareIn = async (id: string, as: string, text: string) =>
      (
        await counted.call("POST", `/api/conversations/${id}/thoughts`, {
          as,
          body: { text },
          idempotent: true,
        })
      ).body.id as string;
    // 22 pre-moderated conversations, one thought waiting in each; the oldest has two.
    const ids: string[] = [];
    for (let i = 0; i < 22; i++)
      ids.push(
        await counted.openConversation("sharing", {
          template: "strategy-input",
          settings: { moderation: "pre" },
        }),
      );
    const oldest = ids[0]!;
    const oldestThoughts = [
      await shareIn(oldest, employees[0]!, "Idea one about our tools."),
      await shareIn(oldest, employees[1]!, "Idea two about our tools."),
    ];
    for (const id of ids.slice(1)) await shareIn(id, employees[0]!, "An idea about our tools.");
    // Held until a round: nothing counts yet.
    expect((await waiting()).total).toBe(0);
    for (const id of ids) await counted.releaseRound(id);
    const all = await waiting();
    expect(all.total).toBe(23);
    expect(all.conversations).toHaveLength(22);
    expect(all.conversations[0]).toMatchObject({ id: oldest, waiting: 2, title: "Strategy input" });
    // Bounded: one Query of the counts' index and one BatchGet of the titles, whatever the number
    // (the GetItem is sign-in's read of the caller's directory entry).
    expect(sent.sort()).toEqual(["BatchGetCommand", "GetCommand", "QueryCommand"]);

    // Decisions take thoughts out; a repeat takes nothing out twice; restore never counts.
    const decideIn = (id: string, thoughtId: string, action: string) =>
      counted.call("POST", `/api/conversations/${id}/moderation/${thoughtId}`, {
        as: facilitator,
        body: { action },
      });
    expect((await decideIn(oldest, oldestThoughts[0]!, "hide")).status).toBe(200);
    expect((await decideIn(oldest, oldestThoughts[0]!, "hide")).body.outcome).toBe("unchanged");
    expect((await waiting()).total).toBe(22);
    expect((await decideIn(oldest, oldestThoughts[0]!, "restore")).status).toBe(200);
    expect((await decideIn(oldest, oldestThoughts[1]!, "keep")).status).toBe(200);
    const after = await waiting();
    expect(after.total).toBe(21);
    expect(after.conversations.map((c) => c.id)).not.toContain(oldest);

    // A rater's flag opens an entry on a visible thought once, however many flag it.
    await counted.releaseRound(oldest);
    await counted.call("POST", `/api/conversations/${oldest}/transition`, {
      as: facilitator,
      body: { to: "rating" },
    });
    const flagged = oldestThoughts[1]!;
    const raters: string[] = [];
    for (const rater of employees.slice(2)) {
      const batch = await counted.call("GET", `/api/conversations/${oldest}/rating-batch?size=5`, {
        as: rater,
      });
      if (batch.body.thoughts.some((t: { id: string }) => t.id === flagged)) raters.push(rater);
      if (raters.length === 2) break;
    }
    expect(raters).toHaveLength(2);
    for (const rater of [raters[0]!, raters[0]!, raters[1]!])
      await counted.call("POST", `/api/conversations/${oldest}/flags`, {
        as: rater,
        body: { thoughtId: flagged, reason: "off-topic" },
      });
    expect((await waiting()).conversations.find((c) => c.id === oldest)?.waiting).toBe(1);
    expect((await waiting()).total).toBe(22);

    // An entry from before the count existed: opening the queue sets the count to what it holds.
    const legacy = ids[5]!;
    await counted.doc.send(
      new PutCommand({
        TableName: counted.tableName,
        Item: {
          pk: `CONV#${legacy}`,
          sk: "REVIEW#legacy-thought",
          thoughtId: "legacy-thought",
          reasons: [],
          flags: 1,
        },
      }),
    );
    expect((await waiting()).total).toBe(22);
    await counted.call("GET", `/api/conversations/${legacy}/moderation`, { as: facilitator });
    expect((await waiting()).conversations.find((c) => c.id === legacy)?.waiting).toBe(2);

    expect((await counted.call("GET", "/api/moderation/waiting", { as: employees[0] })).status).toBe(403);
  }, 180_000);
});
