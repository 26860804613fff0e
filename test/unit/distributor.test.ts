import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulate } from "../../bench/simulation.js";
import { type Candidate, pickBatch } from "../../functions/domain/distributor.js";
import { createRng } from "../../functions/lib/random.js";

const candidate = (id: string, exposure: number, authorKey = `author-${id}`): Candidate => ({
  id,
  exposure,
  authorKey,
});

const pick = (candidates: Candidate[], options: { size?: number; seen?: string[]; seed?: number } = {}) =>
  pickBatch({
    candidates,
    seen: new Set(options.seen ?? []),
    authorKey: "me",
    size: options.size ?? 10,
    random: createRng(options.seed ?? 1).next,
  }).map((c) => c.id);

describe("pickBatch", () => {
  it("never offers the rater's own thoughts or thoughts already seen", () => {
    const candidates = [
      candidate("mine", 0, "me"),
      candidate("seen", 0),
      candidate("a", 5),
      candidate("b", 9),
    ];
    for (let seed = 0; seed < 50; seed++) {
      expect(pick(candidates, { seen: ["seen"], seed }).sort()).toEqual(["a", "b"]);
    }
  });

  it("returns the least exposed first", () => {
    const candidates = [candidate("e3", 3), candidate("e0a", 0), candidate("e1", 1), candidate("e0b", 0)];
    expect(pick(candidates, { size: 2 }).sort()).toEqual(["e0a", "e0b"]);
    expect(pick(candidates, { size: 3 }).sort()).toEqual(["e0a", "e0b", "e1"]);
  });

  it("picks at random among ties, each tied thought over many seeds", () => {
    const tied = ["a", "b", "c", "d", "e"].map((id) => candidate(id, 2));
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 500; seed++) {
      const [id] = pick([...tied, candidate("busy", 7)], { size: 1, seed });
      counts.set(id!, (counts.get(id!) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(["a", "b", "c", "d", "e"]);
    // Uniform would be 100 each; 50 is far outside chance for a fair shuffle.
    for (const n of counts.values()) expect(n).toBeGreaterThan(50);
  });

  it("respects the size and handles empty input", () => {
    const candidates = ["a", "b", "c"].map((id) => candidate(id, 0));
    expect(pick(candidates, { size: 0 })).toEqual([]);
    expect(pick(candidates, { size: -1 })).toEqual([]);
    expect(pick(candidates, { size: 2 })).toHaveLength(2);
    expect(pick(candidates, { size: 10 }).sort()).toEqual(["a", "b", "c"]);
    expect(pick([], { size: 10 })).toEqual([]);
  });

  it("holds its promises on any input", () => {
    const input = fc.record({
      exposures: fc.array(fc.nat({ max: 6 }), { maxLength: 40 }),
      mineEvery: fc.integer({ min: 2, max: 9 }),
      seenEvery: fc.integer({ min: 2, max: 9 }),
      size: fc.integer({ min: 0, max: 15 }),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(input, ({ exposures, mineEvery, seenEvery, size, seed }) => {
        const candidates = exposures.map((e, i) =>
          candidate(`t${i}`, e, i % mineEvery === 0 ? "me" : `a${i}`),
        );
        const seen = candidates.filter((_, i) => i % seenEvery === 1).map((c) => c.id);
        const picked = new Set(pick(candidates, { size, seen, seed }));
        const eligible = candidates.filter((c) => c.authorKey !== "me" && !seen.includes(c.id));
        expect(picked.size).toBe(Math.min(size, eligible.length)); // no duplicates, never short
        const inBatch = eligible.filter((c) => picked.has(c.id));
        const left = eligible.filter((c) => !picked.has(c.id));
        const worstPicked = Math.max(...inBatch.map((c) => c.exposure));
        for (const c of left) expect(c.exposure).toBeGreaterThanOrEqual(worstPicked);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

// Fairness is a property of the distribution, not a timing: assert it on a small population.
describe("fairness in a simulated round", () => {
  const bounds = (counts: readonly number[]) => {
    const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
    return { min: Math.min(...counts) / mean, max: Math.max(...counts) / mean };
  };

  for (const method of ["balanced", "adaptive"] as const) {
    it(`keeps every thought between 0.5× and 3× the mean ratings (${method})`, () => {
      for (const seed of [1, 2]) {
        const round = simulate({
          thoughts: 120,
          raters: 120,
          budget: 20,
          method,
          seed,
          policy: { topK: 10 },
        });
        const { min, max } = bounds(round.counts);
        expect(min).toBeGreaterThanOrEqual(0.5);
        expect(max).toBeLessThanOrEqual(3);
      }
    });
  }

  it("lets late thoughts catch up", () => {
    const round = simulate({
      thoughts: 120,
      raters: 120,
      budget: 20,
      method: "balanced",
      seed: 3,
      lateShare: 0.2,
    });
    const mean = (late: boolean) => {
      const counts = round.counts.filter((_, i) => round.late[i] === late);
      return counts.reduce((s, c) => s + c, 0) / counts.length;
    };
    expect(mean(true) / mean(false)).toBeGreaterThan(0.9);
    expect(bounds(round.counts).min).toBeGreaterThanOrEqual(0.5);
  });
});
