import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 12: participants see what is rising to the top once they reached their rating target,
 * only while rating, and never a number from fewer than k raters (DESIGN §3.4).
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe("emerging thoughts for participants", () => {
  it("opens at the rating target, only thoughts rated by at least k people", async () => {
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { ratingTarget: 2 },
    });
    for (const [i, author] of employees.slice(0, 6).entries()) {
      const shared = await h.call("POST", `/api/conversations/${id}/thoughts`, {
        as: author,
        body: { text: `Idea number ${i} for a better year ahead.` },
        idempotent: true,
      });
      expect(shared.status).toBe(201);
    }
    const sharing = await h.call("GET", `/api/conversations/${id}/emerging`, { as: employees[0] });
    expect(sharing.body).toEqual({ toGo: 2, thoughts: [] });
    await h.call("POST", `/api/conversations/${id}/transition`, {
      as: "facilitator@example.com",
      body: { to: "rating" },
    });
    const rate = async (raters: readonly string[]) => {
      for (const rater of raters) {
        const batch = await h.call("GET", `/api/conversations/${id}/rating-batch?size=25`, { as: rater });
        for (const t of batch.body.thoughts as { id: string }[])
          await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, { as: rater, body: { stars: 4 } });
      }
      await h.services.rankingSnapshots.refresh(h.services.thoughts, id, new Date());
    };
    await rate(employees.slice(10, 14)); // four raters: fewer than k = 5 on every thought
    expect((await h.call("GET", `/api/conversations/${id}/emerging`, { as: employees[10] })).body).toEqual({
      toGo: 0,
      thoughts: [],
    });
    await rate(employees.slice(14, 16));
    const short = await h.call("GET", `/api/conversations/${id}/emerging`, { as: employees[20] });
    expect(short.body).toEqual({ toGo: 2, thoughts: [] });
    const reached = await h.call("GET", `/api/conversations/${id}/emerging`, { as: employees[10] });
    expect(reached.body.thoughts).toHaveLength(5);
    for (const t of reached.body.thoughts) expect(t.ratings).toBeGreaterThanOrEqual(5);
    expect(Object.keys(reached.body.thoughts[0]).sort()).toEqual(["average", "id", "ratings", "text"]);
    // The conversation view carries the organisation's time zone for the deadlines.
    const view = await h.call("GET", `/api/conversations/${id}`, { as: employees[10] });
    expect(view.body.timeZone).toBe("UTC");
  });
});
