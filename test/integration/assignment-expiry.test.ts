import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { thoughtItem } from "../../functions/db/items/thoughts.js";
import { personKeys } from "../../functions/domain/author-key.js";
import { defaultOpenAssignmentLifetimeMs } from "../../functions/repositories/ratings.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Open assignments expire (docs/operations.md, "Open assignments expire"): a batch nobody rates
 * stops holding its thoughts' exposure up once the scheduler runs past the lifetime, and a
 * rating on an expired assignment is still taken and counted exactly once.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const facilitator = "facilitator@example.com";
const authors = employees.slice(0, 6);
const raters = employees.slice(6, 12);
const hour = 60 * 60 * 1000;

async function ratingConversation(): Promise<{ id: string; thoughtIds: string[] }> {
  const id = await h.openConversation("sharing");
  const thoughtIds: string[] = [];
  for (const [i, author] of authors.entries()) {
    const shared = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: author,
      body: { text: `Thought number ${i}: we should look again at how projects are staffed.` },
      idempotent: true,
    });
    expect(shared.status).toBe(201);
    thoughtIds.push(shared.body.id);
  }
  const moved = await h.call("POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "rating" },
  });
  expect(moved.status).toBe(200);
  return { id, thoughtIds };
}

async function thought(id: string, thoughtId: string) {
  const { Item } = await h.doc.send(
    new GetCommand({
      TableName: h.tableName,
      Key: thoughtItem.key({ conversationId: id, id: thoughtId }),
      ConsistentRead: true,
    }),
  );
  return { exposure: Number(Item?.exposure ?? 0), ratings: Number(Item?.ratingCount ?? 0) };
}

async function status(id: string, as: string, thoughtId: string) {
  const rater = {
    conversationId: id,
    raterKey: personKeys(h.services.authorKeySecret, id, h.person(as).id).raterKey,
  };
  return (await h.services.ratings.find(rater, thoughtId)).status;
}

const batch = (id: string, as: string, size: number) =>
  h.call("GET", `/api/conversations/${id}/rating-batch?size=${size}`, { as });

describe("open assignments", () => {
  it("expire after the lifetime and stop counting as exposure; a late rating still counts once", async () => {
    const { id } = await ratingConversation();
    const taken = await batch(id, raters[0]!, 3);
    expect(taken.status).toBe(200);
    const given = (taken.body.thoughts as { id: string }[]).map((t) => t.id);
    expect(given).toHaveLength(3);
    for (const t of given) expect(await thought(id, t)).toEqual({ exposure: 1, ratings: 0 });

    // Within the lifetime nothing changes.
    await runScheduler(h.services, new Date(Date.now() + defaultOpenAssignmentLifetimeMs - hour / 2));
    for (const t of given) expect((await thought(id, t)).exposure).toBe(1);

    // Past it, every open assignment of the batch expires and gives its exposure back.
    await runScheduler(h.services, new Date(Date.now() + defaultOpenAssignmentLifetimeMs + hour / 2));
    for (const t of given) {
      expect(await thought(id, t)).toEqual({ exposure: 0, ratings: 0 });
      expect(await status(id, raters[0]!, t)).toBe("expired");
    }
    // A second sweep finds nothing left to expire: exposure never goes below zero.
    await runScheduler(h.services, new Date(Date.now() + defaultOpenAssignmentLifetimeMs + hour));
    for (const t of given) expect((await thought(id, t)).exposure).toBe(0);

    // The rater comes back to the page they had open: the rating is taken, exposure counted again.
    const late = await h.call("PUT", `/api/conversations/${id}/ratings/${given[0]}`, {
      as: raters[0],
      body: { stars: 4 },
    });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ status: "rated", stars: 4 });
    expect(await thought(id, given[0]!)).toEqual({ exposure: 1, ratings: 1 });
    const skipped = await h.call("PUT", `/api/conversations/${id}/ratings/${given[1]}`, {
      as: raters[0],
      body: { skip: true },
    });
    expect(skipped.status).toBe(200);
    expect(await thought(id, given[1]!)).toEqual({ exposure: 0, ratings: 0 });

    // Their next batch offers what they have not seen, not the expired ones again.
    const next = await batch(id, raters[0]!, 3);
    expect(next.status).toBe(200);
    for (const t of next.body.thoughts as { id: string }[]) expect(given).not.toContain(t.id);
  });

  it("counts a rating racing the sweep exactly once, whichever lands first", async () => {
    const { id, thoughtIds } = await ratingConversation();
    const given = new Map<string, string[]>();
    for (const rater of raters) {
      const taken = await batch(id, rater, 4);
      expect(taken.status).toBe(200);
      given.set(
        rater,
        (taken.body.thoughts as { id: string }[]).map((t) => t.id),
      );
    }
    const future = new Date(Date.now() + defaultOpenAssignmentLifetimeMs + hour);
    // Every rater rates their first two thoughts while two sweeps run against the same assignments.
    const ratings = [...given].flatMap(([rater, ids]) =>
      ids
        .slice(0, 2)
        .map((t) =>
          h.call("PUT", `/api/conversations/${id}/ratings/${t}`, { as: rater, body: { stars: 5 } }),
        ),
    );
    const [replies] = await Promise.all([
      Promise.all(ratings),
      h.services.ratings.expireOpen(id, future),
      h.services.ratings.expireOpen(id, future),
    ]);
    for (const reply of replies) expect(reply.status).toBe(200);
    await h.services.ratings.expireOpen(id, future);

    // Each thought's exposure is exactly its ratings now: nothing open is left, every rating counted once.
    const expected = new Map(thoughtIds.map((t) => [t, 0]));
    for (const ids of given.values()) for (const t of ids.slice(0, 2)) expected.set(t, expected.get(t)! + 1);
    for (const [t, ratingsOf] of expected)
      expect(await thought(id, t)).toEqual({ exposure: ratingsOf, ratings: ratingsOf });
    for (const [rater, ids] of given) {
      for (const t of ids.slice(0, 2)) expect(await status(id, rater, t)).toBe("rated");
      for (const t of ids.slice(2)) expect(await status(id, rater, t)).toBe("expired");
    }
  });

  it("keeps no time beside a thought id: an open assignment holds a window id, the window only its quarter hour", async () => {
    const { id } = await ratingConversation();
    const taken = await batch(id, raters[1]!, 3);
    expect(taken.status).toBe(200);
    const raterKey = personKeys(h.services.authorKeySecret, id, h.person(raters[1]!).id).raterKey;
    const partition = async (pk: string, prefix?: string) =>
      (
        await h.doc.send(
          new QueryCommand({
            TableName: h.tableName,
            KeyConditionExpression: prefix ? "pk = :pk AND begins_with(sk, :p)" : "pk = :pk",
            ExpressionAttributeValues: { ":pk": pk, ...(prefix && { ":p": prefix }) },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    // An ISO instant (a day is YYYY-MM-DD only) or a number named like a time.
    const finerThanDay = (item: Record<string, unknown>) =>
      Object.entries(item).filter(
        ([name, value]) =>
          (typeof value === "string" && /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) ||
          (typeof value === "number" && /(at|time|expires|ttl)$/i.test(name)),
      );

    const open = await partition(`RATER#${id}#${raterKey}`);
    expect(open).toHaveLength(3);
    for (const a of open) {
      expect(finerThanDay(a)).toEqual([]);
      expect(typeof a.openWindow).toBe("string");
    }
    const windows = await partition(`CONV#${id}`, "ASSIGNMENT-WINDOW#");
    expect(windows).toHaveLength(1);
    expect(Object.keys(windows[0]!).sort()).toEqual(["id", "pk", "sk", "startsAt"]);
    expect(Number(windows[0]!.startsAt) % (15 * 60 * 1000)).toBe(0);
    expect(windows[0]!.sk).toBe(`ASSIGNMENT-WINDOW#${open[0]!.openWindow}`);

    // Rating takes the window off; the sweep expires the rest and deletes the window.
    const rated = await h.call("PUT", `/api/conversations/${id}/ratings/${open[0]!.thoughtId}`, {
      as: raters[1],
      body: { stars: 3 },
    });
    expect(rated.status).toBe(200);
    await runScheduler(h.services, new Date(Date.now() + defaultOpenAssignmentLifetimeMs + hour / 2));
    const after = await partition(`RATER#${id}#${raterKey}`);
    expect(after.map((a) => a.status).sort()).toEqual(["expired", "expired", "rated"]);
    for (const a of after) {
      expect(a.openWindow).toBeUndefined();
      expect(finerThanDay(a)).toEqual([]);
    }
    expect(await partition(`CONV#${id}`, "ASSIGNMENT-WINDOW#")).toEqual([]);
  });
});
