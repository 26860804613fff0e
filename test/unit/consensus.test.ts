import { describe, expect, it } from "vitest";
import {
  commonGround,
  divisive,
  smoothedSupport,
  thoughtConsensus,
} from "../../functions/domain/consensus.js";
import type { RatingInput } from "../../functions/domain/rater-bias.js";

/** `stars` given to one thought by raters `${group}${i}`. */
function rate(thoughtId: string, group: string, stars: readonly number[]): RatingInput[] {
  return stars.map((s, i) => ({ thoughtId, raterKey: `${group}${i}`, stars: s }));
}

const groupOf = new Map<string, string>();
for (let i = 0; i < 10; i++) {
  groupOf.set(`a${i}`, "A");
  groupOf.set(`b${i}`, "B");
}

describe("thoughtConsensus", () => {
  it("computes smoothed 4–5★ shares, their product and their spread (worked by hand)", () => {
    const ratings = [
      // A: 4 of 5 gave 4–5★ → (4 + 1) / (5 + 2) = 5/7. B: 1 of 5 → 2/7.
      ...rate("split", "a", [5, 4, 4, 5, 2]),
      ...rate("split", "b", [1, 2, 4, 3, 1]),
      // Both groups 5 of 5 → 6/7 each.
      ...rate("shared", "a", [5, 5, 4, 4, 5]),
      ...rate("shared", "b", [4, 4, 5, 5, 4]),
    ];
    const byId = new Map(thoughtConsensus(ratings, groupOf, ["A", "B"], 5).map((t) => [t.thoughtId, t]));
    const split = byId.get("split")!;
    expect(split.groups.map((g) => [g.groupId, g.raters, g.high])).toEqual([
      ["A", 5, 4],
      ["B", 5, 1],
    ]);
    expect(split.groups[0]!.support).toBeCloseTo(5 / 7, 12);
    expect(split.groups[1]!.support).toBeCloseTo(2 / 7, 12);
    expect(split.consensus).toBeCloseTo(10 / 49, 12);
    expect(split.division).toBeCloseTo(3 / 7, 12);
    expect(split.releasable).toBe(true);
    const shared = byId.get("shared")!;
    expect(shared.consensus).toBeCloseTo(36 / 49, 12);
    expect(shared.division).toBeCloseTo(0, 12);
  });

  it("counts a group that did not rate a thought as one half, and marks the thought not releasable", () => {
    const [only] = thoughtConsensus(rate("x", "a", [5, 5, 5, 5, 5]), groupOf, ["A", "B"], 5);
    expect(only!.groups[1]).toEqual({ groupId: "B", raters: 0, high: 0, support: 0.5 });
    expect(only!.consensus).toBeCloseTo((6 / 7) * 0.5, 12);
    expect(only!.releasable).toBe(false);
  });

  it("ignores raters in no group", () => {
    const ratings = [...rate("x", "a", [5]), { thoughtId: "x", raterKey: "stranger", stars: 1 }];
    const [x] = thoughtConsensus(ratings, groupOf, ["A", "B"], 1);
    expect(x!.groups.map((g) => g.raters)).toEqual([1, 0]);
  });
});

describe("commonGround and divisive", () => {
  const ratings = [
    ...rate("shared", "a", [5, 5, 4, 4, 5]),
    ...rate("shared", "b", [4, 4, 5, 5, 4]),
    ...rate("liked", "a", [4, 4, 4, 3, 5]),
    ...rate("liked", "b", [4, 3, 4, 5, 2]),
    ...rate("split", "a", [5, 4, 4, 5, 2]),
    ...rate("split", "b", [1, 2, 4, 3, 1]),
    // Everyone likes it, but only four of B rated it: too few to show either way.
    ...rate("thin", "a", [5, 5, 5, 5, 5]),
    ...rate("thin", "b", [5, 5, 5, 5]),
    // Four of five in each group against it: no common ground, and no division either.
    ...rate("disliked", "a", [1, 2, 1, 4, 2]),
    ...rate("disliked", "b", [2, 1, 5, 1, 2]),
  ];
  const thoughts = thoughtConsensus(ratings, groupOf, ["A", "B"], 5);

  it("lists what every group rates highly, highest consensus first", () => {
    expect(commonGround(thoughts).map((t) => t.thoughtId)).toEqual(["shared", "liked"]);
    expect(smoothedSupport(3, 5)).toBeCloseTo(4 / 7, 12); // B on "liked": 4/7 > 1/2
  });

  it("lists what divides the groups, widest gap first", () => {
    expect(divisive(thoughts).map((t) => t.thoughtId)).toEqual(["split"]);
  });

  it("lets a released segment with k raters block common ground, and a smaller one not", () => {
    const segmentsOf = (id: string) =>
      id === "liked"
        ? [
            { raters: 5, high: 1 }, // a segment that rated it low: blocks
            { raters: 2, high: 0 }, // too few to count
          ]
        : [{ raters: 3, high: 0 }];
    expect(commonGround(thoughts, { segmentsOf, k: 5 }).map((t) => t.thoughtId)).toEqual(["shared"]);
  });

  it("keeps the lists bounded", () => {
    expect(commonGround(thoughts, { limit: 1 })).toHaveLength(1);
    expect(divisive(thoughts, { limit: 0 })).toHaveLength(0);
  });
});
