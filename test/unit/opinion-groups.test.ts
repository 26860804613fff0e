import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { opinionGroups } from "../../functions/domain/opinion-groups.js";
import type { RatingInput } from "../../functions/domain/rater-bias.js";
import { createRng } from "../../functions/lib/random.js";

/**
 * Camps of raters with different views: camp c's raters give 3 + 1.3 × (view · loading) stars,
 * plus noise. Thoughts load +1 or −1 on one of two questions (even-numbered thoughts on the first,
 * odd ones on the second): camps A and B disagree on the first, camp C cares about the second.
 * Each rater rates `perRater` thoughts at random; `generosity` adds a per-rater shift that is not
 * an opinion.
 */
function camps(
  sizes: readonly number[],
  { thoughts = 30, perRater = 12, noise = 0.5, generosity = 0, seed = 1 } = {},
): { ratings: RatingInput[]; campOf: Map<string, number> } {
  const rng = createRng(seed);
  const ratings: RatingInput[] = [];
  const campOf = new Map<string, number>();
  const views = [
    [1, 0],
    [-1, 0],
    [0, 1.2],
  ] as const;
  let rater = 0;
  sizes.forEach((size, camp) => {
    for (let i = 0; i < size; i++, rater++) {
      const key = `r${rater}`;
      campOf.set(key, camp);
      const shift = generosity * rng.normal();
      const picked = new Set<number>();
      while (picked.size < Math.min(perRater, thoughts)) picked.add(rng.int(thoughts));
      for (const t of picked) {
        const axis = t % 2;
        const loading = Math.floor(t / 2) % 2 === 0 ? 1 : -1;
        const x = 3 + 1.3 * views[camp]![axis]! * loading + shift + noise * rng.normal();
        ratings.push({ thoughtId: `t${t}`, raterKey: key, stars: Math.min(5, Math.max(1, Math.round(x))) });
      }
    }
  });
  return { ratings, campOf };
}

/** Share of raters whose group is their camp's majority group. */
function purity(groupOf: ReadonlyMap<string, string>, campOf: ReadonlyMap<string, number>): number {
  const byCamp = new Map<number, Map<string, number>>();
  for (const [rater, camp] of campOf) {
    const counts = byCamp.get(camp) ?? new Map<string, number>();
    counts.set(groupOf.get(rater)!, (counts.get(groupOf.get(rater)!) ?? 0) + 1);
    byCamp.set(camp, counts);
  }
  let agreeing = 0;
  for (const counts of byCamp.values()) agreeing += Math.max(...counts.values());
  return agreeing / campOf.size;
}

describe("opinionGroups", () => {
  it("finds two camps with opposite views, largest first", () => {
    const { ratings, campOf } = camps([40, 25]);
    const result = opinionGroups(ratings, { minGroupSize: 5 });
    expect(result.groups.map((g) => g.id)).toEqual(["A", "B"]);
    if (!("groupOf" in result)) throw new Error("expected groups");
    expect(result.groups.map((g) => g.size)).toEqual([40, 25]);
    expect(purity(result.groupOf, campOf)).toBe(1);
  });

  it("sees opinion through generosity: people who rate everything higher are not a group", () => {
    const { ratings, campOf } = camps([40, 25], { generosity: 0.8, seed: 2 });
    const result = opinionGroups(ratings, { minGroupSize: 5 });
    if (!("groupOf" in result)) throw new Error("expected groups");
    expect(purity(result.groupOf, campOf)).toBeGreaterThan(0.9);
  });

  it("finds three camps when there are three", () => {
    const { ratings, campOf } = camps([30, 30, 30], { perRater: 20, noise: 0.3, seed: 3 });
    const result = opinionGroups(ratings, { minGroupSize: 5 });
    expect(result.groups).toHaveLength(3);
    if (!("groupOf" in result)) throw new Error("expected groups");
    expect(purity(result.groupOf, campOf)).toBeGreaterThan(0.9);
  });

  it("needs two groups' worth of raters who rated enough", () => {
    const { ratings } = camps([5, 4]);
    expect(opinionGroups(ratings, { minGroupSize: 5 })).toEqual({ groups: [], reason: "too-few-raters" });
    // Raters with fewer than minRatings ratings do not shape groups.
    const { ratings: light } = camps([30, 30], { perRater: 3 });
    expect(opinionGroups(light, { minGroupSize: 5 })).toEqual({ groups: [], reason: "too-few-raters" });
    expect(opinionGroups([], { minGroupSize: 5 })).toEqual({ groups: [], reason: "too-few-raters" });
  });

  it("finds no pattern where every rater agrees on every thought", () => {
    const ratings: RatingInput[] = [];
    for (let r = 0; r < 20; r++) {
      for (let t = 0; t < 10; t++)
        ratings.push({ thoughtId: `t${t}`, raterKey: `r${r}`, stars: 1 + (t % 5) });
    }
    expect(opinionGroups(ratings, { minGroupSize: 5 })).toEqual({ groups: [], reason: "no-pattern" });
  });

  it("is deterministic and does not depend on reading order", () => {
    const { ratings } = camps([30, 20], { seed: 4, noise: 1.2 });
    const once = opinionGroups(ratings, { minGroupSize: 5 });
    const shuffled = [...ratings].sort(() => 0).reverse();
    expect(opinionGroups(shuffled, { minGroupSize: 5 })).toEqual(once);
    expect(opinionGroups(ratings, { minGroupSize: 5 })).toEqual(once);
  });

  it("never makes a group smaller than minGroupSize, and puts every rater in exactly one group", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ rater: fc.integer({ min: 0, max: 39 }), thought: fc.integer({ min: 0, max: 14 }) }),
          { minLength: 0, maxLength: 400 },
        ),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 1000 }),
        (pairs, k, seed) => {
          const rng = createRng(seed);
          const seen = new Set<string>();
          const ratings: RatingInput[] = [];
          for (const { rater, thought } of pairs) {
            const key = `${rater}/${thought}`;
            if (seen.has(key)) continue;
            seen.add(key);
            ratings.push({ raterKey: `r${rater}`, thoughtId: `t${thought}`, stars: 1 + rng.int(5) });
          }
          const result = opinionGroups(ratings, { minGroupSize: k, minRatings: 3 });
          if (!("groupOf" in result)) return;
          expect(result.groups.length).toBeGreaterThanOrEqual(2);
          for (const g of result.groups) expect(g.size).toBeGreaterThanOrEqual(k);
          const raters = new Set(ratings.map((r) => r.raterKey));
          expect(result.groupOf.size).toBe(raters.size);
          expect(result.groups.reduce((s, g) => s + g.size, 0)).toBe(raters.size);
        },
      ),
      { numRuns: 60 },
    );
  });
});
