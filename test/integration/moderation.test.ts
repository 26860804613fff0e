import { beforeAll, describe, expect, it } from "vitest";
import { findPersonThoughtLinks } from "../helpers/anonymity.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

let h: Harness;
const facilitator = "facilitator@example.com";

beforeAll(async () => {
  h = await createHarness();
});

async function withThoughts(texts: string[], settings: Record<string, unknown> = {}) {
  const id = await h.openConversation("sharing", { template: "strategy-input", settings });
  const ids: string[] = [];
  for (const [i, text] of texts.entries()) {
    const reply = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: employees[i],
      body: { text },
      idempotent: true,
    });
    ids.push(reply.body.id);
  }
  // Rated while sharing: the thoughts join the pool at a release round (DESIGN §3.7).
  await h.releaseRound(id);
  return { id, ids };
}

const queue = (id: string, view = "open") =>
  h.call("GET", `/api/conversations/${id}/moderation?view=${view}`, { as: facilitator });

describe("moderation", () => {
  it("screens on submit: names and abusive words go to the queue, clean thoughts do not", async () => {
    const { id, ids } = await withThoughts([
      "Our roadmap reviews take too long.",
      "Honestly Peter Miller is the reason projects stall.",
      "Whoever planned the last reorg is an idiot.",
    ]);
    const items = (await queue(id)).body.items;
    expect(items.map((i: { thoughtId: string }) => i.thoughtId).sort()).toEqual([ids[1], ids[2]].sort());
    const reasons = new Map(
      items.map((i: { thoughtId: string; reasons: string[] }) => [i.thoughtId, i.reasons]),
    );
    expect(reasons.get(ids[1])).toEqual(["name"]);
    expect(reasons.get(ids[2])).toEqual(["language"]);
  });

  it("holds every thought in pre-moderation until a moderator keeps it", async () => {
    const { id, ids } = await withThoughts(["A clean idea about pricing.", "Another idea about hiring."], {
      moderation: "pre",
    });
    expect((await queue(id)).body.items).toHaveLength(2);
    const batch = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: employees[9] });
    expect(batch.body.thoughts).toEqual([]);
    await h.call("POST", `/api/conversations/${id}/moderation/${ids[0]}`, {
      as: facilitator,
      body: { action: "keep" },
    });
    // A kept thought waits for the next round too.
    await h.releaseRound(id);
    const after = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: employees[9] });
    expect(after.body.thoughts.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
  });

  it("lets raters flag what they were shown, once, and hides it from batches and reports", async () => {
    const { id, ids } = await withThoughts(["First idea.", "Second idea.", "Third idea worth rating."]);
    const rater = employees[10]!;
    const batch = await h.call("GET", `/api/conversations/${id}/rating-batch?size=3`, { as: rater });
    const shown = batch.body.thoughts[0].id;
    const flag = () =>
      h.call("POST", `/api/conversations/${id}/flags`, {
        as: rater,
        body: { thoughtId: shown, reason: "offensive" },
      });
    expect((await flag()).body.flagged).toBe(true);
    expect((await flag()).body.flagged).toBe(false);
    const other = employees[11]!;
    const notShown = await h.call("POST", `/api/conversations/${id}/flags`, {
      as: other,
      body: { thoughtId: shown, reason: "offensive" },
    });
    expect(notShown.status).toBe(404);
    const entry = (await queue(id)).body.items.find((i: { thoughtId: string }) => i.thoughtId === shown);
    expect(entry).toMatchObject({ flags: 1, reasons: ["offensive"] });

    expect(
      (
        await h.call("POST", `/api/conversations/${id}/moderation/${shown}`, {
          as: facilitator,
          body: { action: "hide" },
        })
      ).status,
    ).toBe(200);
    expect(
      (await queue(id)).body.items.find((i: { thoughtId: string }) => i.thoughtId === shown),
    ).toBeUndefined();
    expect((await queue(id, "hidden")).body.items.map((i: { thoughtId: string }) => i.thoughtId)).toEqual([
      shown,
    ]);
    // The rater's open assignment is withdrawn; nobody is given the hidden thought again.
    const refresh = await h.call("GET", `/api/conversations/${id}/rating-batch?size=3`, { as: rater });
    expect(refresh.body.thoughts.map((t: { id: string }) => t.id)).not.toContain(shown);
    for (const person of employees.slice(12, 16)) {
      const b = await h.call("GET", `/api/conversations/${id}/rating-batch?size=3`, { as: person });
      expect(b.body.thoughts.map((t: { id: string }) => t.id)).not.toContain(shown);
    }
    expect(
      (await h.call("PUT", `/api/conversations/${id}/ratings/${shown}`, { as: rater, body: { stars: 5 } }))
        .status,
    ).toBe(404);

    await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } });
    await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "closed" } });
    await h.jobsDone();
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: "leader@example.com" });
    expect(report.body.thoughts.map((t: { id: string }) => t.id)).not.toContain(shown);
    expect(report.body.thoughts).toHaveLength(ids.length - 1);

    const log = await h.call("GET", `/api/conversations/${id}/moderation/log`, { as: facilitator });
    expect(log.body.entries[0]).toMatchObject({ thoughtId: shown, action: "hide", role: "facilitator" });
    // Flags and the log keep pseudonyms: nothing links the flagger or moderator to the thought.
    expect(findPersonThoughtLinks(await h.scanAll(), h.people, [{ id: shown, text: "First idea." }])).toEqual(
      [],
    );
  });

  it("restores a hidden thought", async () => {
    const { id, ids } = await withThoughts(["Keep me around."]);
    await h.call("POST", `/api/conversations/${id}/moderation/${ids[0]}`, {
      as: facilitator,
      body: { action: "hide" },
    });
    await h.call("POST", `/api/conversations/${id}/moderation/${ids[0]}`, {
      as: facilitator,
      body: { action: "restore" },
    });
    await h.releaseRound(id);
    const batch = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: employees[12] });
    expect(batch.body.thoughts.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
  });

  it("is for facilitators and admins", async () => {
    const { id } = await withThoughts(["Something."]);
    expect(
      (await h.call("GET", `/api/conversations/${id}/moderation`, { as: "leader@example.com" })).status,
    ).toBe(403);
    expect((await h.call("GET", `/api/conversations/${id}/moderation`, { as: employees[0] })).status).toBe(
      403,
    );
  });
});
