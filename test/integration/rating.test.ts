import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const facilitator = "facilitator@example.com";

/** A conversation with one thought from each of `authors`, moved on to rating. */
async function conversationWithThoughts(authors: readonly string[], state: "sharing" | "rating" = "rating") {
  const id = await h.openConversation("sharing");
  const thoughtIds = new Map<string, string>();
  for (const [i, author] of authors.entries()) {
    const shared = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: author,
      body: { text: `Thought number ${i} about our priorities next year.` },
      idempotent: true,
    });
    thoughtIds.set(shared.body.id, author);
  }
  if (state === "rating") {
    await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } });
  }
  return { id, thoughtIds };
}

const batch = (id: string, as: string, size?: number) =>
  h.call("GET", `/api/conversations/${id}/rating-batch${size ? `?size=${size}` : ""}`, { as });
const rate = (id: string, thoughtId: string, as: string, body: unknown) =>
  h.call("PUT", `/api/conversations/${id}/ratings/${thoughtId}`, { as, body });

describe("rating", () => {
  it("never offers my own thoughts and returns open assignments on refresh", async () => {
    const authors = employees.slice(0, 6);
    const { id, thoughtIds } = await conversationWithThoughts(authors);
    const me = authors[0]!;
    const first = await batch(id, me, 3);
    expect(first.status).toBe(200);
    expect(first.body.thoughts).toHaveLength(3);
    expect(first.body.target).toBe(20);
    for (const t of first.body.thoughts) expect(thoughtIds.get(t.id)).not.toBe(me);
    // A refresh cannot fish for other thoughts: the same open assignments come back.
    const refresh = await batch(id, me, 3);
    expect(refresh.body.thoughts.map((t: { id: string }) => t.id).sort()).toEqual(
      first.body.thoughts.map((t: { id: string }) => t.id).sort(),
    );
  });

  it("balances exposure, never repeats, and ends with an empty batch", async () => {
    const authors = employees.slice(0, 8);
    const { id } = await conversationWithThoughts(authors);
    const rater = employees[10]!;
    const seen = new Set<string>();
    for (;;) {
      const next = await batch(id, rater, 3);
      if (next.body.thoughts.length === 0) break;
      for (const t of next.body.thoughts) {
        expect(seen.has(t.id)).toBe(false);
        seen.add(t.id);
        expect((await rate(id, t.id, rater, { stars: 4 })).status).toBe(200);
      }
    }
    expect(seen.size).toBe(8);
    const done = await batch(id, rater);
    expect(done.body).toMatchObject({ thoughts: [], rated: 8 });

    // Two more raters each take 2: exposure balancing spreads them over different thoughts.
    const a = await batch(id, employees[11]!, 4);
    const b = await batch(id, employees[12]!, 4);
    const overlap = a.body.thoughts.filter((t: { id: string }) =>
      b.body.thoughts.some((u: { id: string }) => u.id === t.id),
    );
    expect(overlap).toHaveLength(0);
  });

  it("records a rating once, lets it change while open, and refuses skipping a rated thought", async () => {
    const { id } = await conversationWithThoughts(employees.slice(0, 3));
    const rater = employees[5]!;
    const [thought] = (await batch(id, rater, 1)).body.thoughts;
    expect((await rate(id, thought.id, rater, { stars: 2 })).body).toMatchObject({
      status: "rated",
      stars: 2,
    });
    expect((await rate(id, thought.id, rater, { stars: 5 })).body).toMatchObject({
      status: "rated",
      stars: 5,
    });
    expect((await rate(id, thought.id, rater, { skip: true })).status).toBe(409);
    const view = await h.call("GET", `/api/conversations/${id}`, { as: facilitator });
    expect(view.body.counts).toMatchObject({ ratings: 1 });
    const item = (await h.scanAll()).find((i) => i.sk === `THOUGHT#${thought.id}`)!;
    expect(item).toMatchObject({ ratingCount: 1, ratingSum: 5, exposure: 1 });
    expect(item.histogram).toEqual({ "1": 0, "2": 0, "3": 0, "4": 0, "5": 1 });
  });

  it("skips free the exposure for others and can become a rating", async () => {
    const { id } = await conversationWithThoughts(employees.slice(0, 2));
    const rater = employees[6]!;
    const [thought] = (await batch(id, rater, 1)).body.thoughts;
    expect((await rate(id, thought.id, rater, { skip: true })).body.status).toBe("skipped");
    let item = (await h.scanAll()).find((i) => i.sk === `THOUGHT#${thought.id}`)!;
    expect(item).toMatchObject({ exposure: 0, skipCount: 1 });
    expect((await rate(id, thought.id, rater, { stars: 3 })).body.status).toBe("rated");
    item = (await h.scanAll()).find((i) => i.sk === `THOUGHT#${thought.id}`)!;
    expect(item).toMatchObject({ exposure: 1, skipCount: 0, ratingCount: 1, ratingSum: 3 });
  });

  it("rejects ratings of thoughts not given to me, and bad star values", async () => {
    const { id, thoughtIds } = await conversationWithThoughts(employees.slice(0, 2));
    const someThought = [...thoughtIds.keys()][0]!;
    expect((await rate(id, someThought, employees[7]!, { stars: 3 })).status).toBe(404);
    for (const body of [
      { stars: 0 },
      { stars: 6 },
      { stars: 2.5 },
      { stars: "5" },
      {},
      { skip: false },
      { stars: 3, skip: true },
    ]) {
      const reply = await rate(id, someThought, employees[7]!, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
    }
    expect((await batch(id, employees[7]!, 99)).status).toBe(400);
  });

  it("counts 50 concurrent duplicate ratings once", async () => {
    const { id } = await conversationWithThoughts(employees.slice(0, 2));
    const rater = employees[8]!;
    const [thought] = (await batch(id, rater, 1)).body.thoughts;
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => rate(id, thought.id, rater, { stars: 4 })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
    const item = (await h.scanAll()).find((i) => i.sk === `THOUGHT#${thought.id}`)!;
    expect(item).toMatchObject({ ratingCount: 1, ratingSum: 4, exposure: 1 });
    const view = await h.call("GET", `/api/conversations/${id}`, { as: rater });
    expect(view.body.me.rated).toBe(1);
    const counts = (await h.call("GET", `/api/conversations/${id}`, { as: facilitator })).body.counts;
    expect(counts.ratings).toBe(1);
  });

  it("never lands a rating after the close it races", async () => {
    const { id } = await conversationWithThoughts(employees.slice(0, 12));
    const raters = employees.slice(12, 20);
    const batches = await Promise.all(raters.map((r) => batch(id, r, 5)));
    const attempts = raters.flatMap((r, i) =>
      batches[i]!.body.thoughts.map((t: { id: string }) => () => rate(id, t.id, r, { stars: 3 })),
    );
    const close = () =>
      h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "closed" } });
    const replies = await Promise.all([
      ...attempts.slice(0, 20).map((f) => f()),
      close(),
      ...attempts.slice(20).map((f) => f()),
    ]);
    const accepted = replies.slice(0, -1).filter((r, i) => i !== 20 && r.status === 200).length;
    for (const reply of replies) expect([200, 409]).toContain(reply.status);
    // After the close, nothing more lands, and what landed is exactly what was accepted.
    const after = await rate(id, batches[0]!.body.thoughts[0].id, raters[0]!, { stars: 1 });
    expect(after.status).toBe(409);
    const thoughts = (await h.scanAll()).filter(
      (i) => String(i.pk) === `CONV#${id}` && String(i.sk).startsWith("THOUGHT#"),
    );
    const stored = thoughts.reduce((sum, t) => sum + Number(t.ratingCount), 0);
    expect(stored).toBe(accepted);
  });

  it("refuses batches outside sharing and rating", async () => {
    const id = await h.openConversation("draft");
    expect((await batch(id, facilitator)).status).toBe(409);
  });
});
