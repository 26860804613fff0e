import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AdaptivePolicy,
  floorReached,
  pickAdaptiveBatch,
  type RatedCandidate,
} from "../../functions/domain/adaptive.js";
import { snapshotContenders } from "../../functions/domain/contender-snapshot.js";
import { pickBatch } from "../../functions/domain/distributor.js";
import { CI_Z, type Histogram, type Prior } from "../../functions/domain/statistics.js";
import { createRng } from "../../functions/lib/random.js";

const rated = (id: string, histogram: Histogram, exposure?: number): RatedCandidate => ({
  id,
  histogram,
  exposure: exposure ?? histogram.reduce((s, x) => s + x, 0),
  authorKey: `author-${id}`,
});

/*
 * With m = 3, σ0² = 1, C = 5 and k = 1, worked by hand:
 *   top     40 × 5 stars      score 4.778, 95% interval [4.57, 4.99]   exposure 40
 *   border  10 × 4, 10 × 5    score 4.200, 95% interval [3.86, 4.54]   exposure 20
 *   c0..c7  12 × 3 stars      score 3.000, 95% interval [2.74, 3.26]   exposure 12
 * The top-1 boundary is (4.778 + 4.2) / 2 = 4.49: only "border" straddles it. Mean exposure 15.6.
 * The tests use the 95% interval for these hand-worked figures; the default policy's is narrower.
 */
const prior: Prior = { mean: 3, variance: 1, strength: 5 };
const field = (): RatedCandidate[] => [
  rated("top", [0, 0, 0, 0, 40]),
  rated("border", [0, 0, 0, 10, 10]),
  ...Array.from({ length: 8 }, (_, i) => rated(`c${i}`, [0, 0, 12, 0, 0])),
];
const policy: Partial<AdaptivePolicy> = {
  topK: 1,
  share: 1,
  floor: 5,
  z: CI_Z,
  plentyAt: 0,
  rule: "straddle",
};

function pick(
  candidates: RatedCandidate[],
  options: {
    size?: number;
    seen?: string[];
    seed?: number;
    authorKey?: string;
    policy?: Partial<AdaptivePolicy>;
  },
) {
  return pickAdaptiveBatch({
    candidates,
    seen: new Set(options.seen ?? []),
    authorKey: options.authorKey ?? "me",
    size: options.size ?? 1,
    random: createRng(options.seed ?? 1).next,
    policy: { ...policy, ...options.policy },
    prior,
  }).map((c) => c.id);
}

describe("pickAdaptiveBatch", () => {
  it("gives adaptive slots to a thought whose interval straddles the top-k boundary", () => {
    for (let seed = 0; seed < 20; seed++) expect(pick(field(), { seed })).toEqual(["border"]);
  });

  it("reads scores and intervals from bias-adjusted moments when given", () => {
    // c0's twelve 3s came from stingy raters: adjusted, they average 4.8, score 4.27, interval
    // [3.80, 4.74]. The boundary moves to (4.778 + 4.27) / 2 = 4.52, which c0 and border both
    // straddle, and c0 is the less exposed of the two.
    const promoted = field().map((c) =>
      c.id === "c0" ? { ...c, adjusted: { count: 12, sum: 57.6, sumSquares: 276.48 } } : c,
    );
    for (let seed = 0; seed < 20; seed++) expect(pick(promoted, { seed })).toEqual(["c0"]);
    // border's 4s and 5s came from generous raters: adjusted, they average 3, and no one straddles.
    const demoted = field().map((c) =>
      c.id === "border" ? { ...c, adjusted: { count: 20, sum: 60, sumSquares: 180 } } : c,
    );
    expect(pick(demoted, {})[0]).toMatch(/^c/);
  });

  it("fills the rest of the batch by least exposure", () => {
    const batch = pick(field(), { size: 4, policy: { share: 0.5 } });
    expect(batch).toContain("border");
    expect(batch.filter((id) => id.startsWith("c"))).toHaveLength(3);
  });

  it("never gives a thought adaptively past cap × the mean exposure", () => {
    // 1.2 × 15.6 = 18.7 < 21: "border" may no longer be given adaptively.
    expect(pick(field(), { policy: { cap: 1.2 } })[0]).toMatch(/^c/);
    // 1.35 × 15.6 = 21.06 ≥ 21: it may.
    expect(pick(field(), { policy: { cap: 1.35 } })).toEqual(["border"]);
  });

  it("never offers own or seen thoughts adaptively", () => {
    expect(pick(field(), { authorKey: "author-border" })[0]).toMatch(/^c/);
    expect(pick(field(), { seen: ["border"] })[0]).toMatch(/^c/);
  });

  it("shrinks the share once thoughts hold more than plentyAt ratings on average", () => {
    // Mean exposure 15.6: under plentyAt 20 the share stays whole, the single slot always adaptive.
    for (let seed = 0; seed < 20; seed++)
      expect(pick(field(), { seed, policy: { plentyAt: 20 } })).toEqual(["border"]);
    // At plentyAt 7.8 the share is 1 × 7.8 / 15.6 = 0.5: the slot goes adaptive about half the time.
    const adaptive = Array.from({ length: 400 }, (_, seed) =>
      pick(field(), { seed, policy: { plentyAt: 7.8 } }),
    ).filter((batch) => batch[0] === "border").length;
    expect(adaptive / 400).toBeGreaterThan(0.4);
    expect(adaptive / 400).toBeLessThan(0.6);
  });

  it("has no adaptive slots with a zero share or when everything is in the top k", () => {
    expect(pick(field(), { policy: { share: 0 } })[0]).toMatch(/^c/);
    expect(pick(field(), { policy: { topK: 10 } })[0]).toMatch(/^c/);
  });

  it("goes adaptive from five ratings per thought with the default policy", () => {
    // 40 thoughts of five ratings each, their raw means from 1 to 4.2 stars: the top-10 line
    // has contenders, and nothing is past the cap. Before the floor was 5, this was pickBatch.
    const candidates = Array.from({ length: 40 }, (_, i) => {
      const high = Math.min(5, Math.floor(i / 8));
      return rated(`t${i}`, [5 - high, 0, 0, 0, high]);
    });
    let adaptive = 0;
    for (let seed = 0; seed < 20; seed++) {
      const input = { candidates, seen: new Set<string>(), authorKey: "me", size: 5 };
      const balanced = pickBatch({ ...input, random: createRng(seed).next }).map((c) => c.id);
      const chosen = pickAdaptiveBatch({ ...input, random: createRng(seed).next }).map((c) => c.id);
      if (chosen.some((id) => !balanced.includes(id))) adaptive++;
    }
    expect(adaptive).toBeGreaterThan(0);
  });

  it("is exactly pickBatch while the floor is not reached", () => {
    const absolute = [...field(), rated("new", [0, 0, 3, 0, 0])]; // 3 ratings < floor 5
    const relative = [...field().slice(0, 9), rated("c8", [0, 0, 6, 0, 0])]; // 6 < 0.6 × mean 15
    expect(floorReached(absolute, 5)).toBe(false);
    expect(floorReached(relative, 5, 0.6)).toBe(false);
    expect(floorReached(field(), 5, 0.6)).toBe(true);
    for (const candidates of [absolute, relative]) {
      for (let seed = 0; seed < 20; seed++) {
        const expected = pickBatch({
          candidates,
          seen: new Set(),
          authorKey: "me",
          size: 3,
          random: createRng(seed).next,
        }).map((c) => c.id);
        expect(pick(candidates, { size: 3, seed, policy: { relativeFloor: 0.6 } })).toEqual(expected);
      }
    }
  });

  it("holds its promises on any input", () => {
    const histogram = fc.tuple(fc.nat(8), fc.nat(8), fc.nat(8), fc.nat(8), fc.nat(8));
    const input = fc.record({
      thoughts: fc.array(fc.record({ histogram, open: fc.nat(3), mine: fc.boolean(), seen: fc.boolean() }), {
        maxLength: 30,
      }),
      size: fc.integer({ min: 0, max: 12 }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      cap: fc.double({ min: 1, max: 4, noNaN: true }),
      rule: fc.constantFrom<AdaptivePolicy["rule"]>("straddle", "lucb", "thompson"),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(input, ({ thoughts, size, share, cap, rule, seed }) => {
        const candidates = thoughts.map((t, i) => ({
          ...rated(`t${i}`, t.histogram as Histogram),
          exposure: t.histogram.reduce((s, x) => s + x, 0) + t.open,
          authorKey: t.mine ? "me" : `a${i}`,
        }));
        const seen = candidates.filter((_, i) => thoughts[i]!.seen).map((c) => c.id);
        const picked = pickAdaptiveBatch({
          candidates,
          seen: new Set(seen),
          authorKey: "me",
          size,
          random: createRng(seed).next,
          policy: { topK: 3, floor: 1, relativeFloor: 0, share, cap, rule },
        });
        const eligible = candidates.filter((c) => c.authorKey !== "me" && !seen.includes(c.id));
        const ids = new Set(picked.map((c) => c.id));
        expect(ids.size).toBe(Math.min(size, eligible.length));
        for (const c of picked) expect(eligible).toContain(c);
        // A thought picked over a less exposed one was picked adaptively, so the cap applied.
        const meanExposure = candidates.reduce((s, c) => s + c.exposure, 0) / Math.max(1, candidates.length);
        const leastLeft = Math.min(...eligible.filter((c) => !ids.has(c.id)).map((c) => c.exposure));
        for (const c of picked) {
          if (c.exposure > leastLeft) expect(c.exposure + 1).toBeLessThanOrEqual(cap * meanExposure);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("lucb: spends slots only where the top k and the rest still overlap", () => {
    // field(): top's lower bound 4.57 is above every outsider's upper bound (border 4.54): separated.
    for (let seed = 0; seed < 10; seed++) {
      expect(pick(field(), { seed, policy: { rule: "lucb" } })[0]).toMatch(/^c/);
    }
    // A closer runner-up overlaps top: the pair is what the slots go to, the weak member first.
    const close = [rated("top", [0, 0, 0, 0, 40]), rated("near", [0, 0, 0, 2, 18]), ...field().slice(2)];
    for (let seed = 0; seed < 10; seed++) {
      expect(pick(close, { seed, size: 2, policy: { rule: "lucb" } }).sort()).toEqual(["near", "top"]);
    }
  });

  it("thompson: offers a thought as often as a posterior draw puts it across the line", () => {
    // The c's are the least exposed, so a balanced pick of one slot is always a c: any other
    // thought picked went adaptively, because a draw put it on the other side of the line.
    const adaptiveShare = (candidates: RatedCandidate[]) => {
      let adaptive = 0;
      for (let seed = 0; seed < 400; seed++) {
        const [id] = pick(candidates, { seed, policy: { rule: "thompson", z: 1 } });
        if (!id!.startsWith("c")) adaptive++;
      }
      return adaptive / 400;
    };
    // top 4.778 ± 0.105; runner-up 4.56 ± 0.18 (about 15% of draws swap them); border 4.2 ± 0.2.
    const close = [rated("top", [0, 0, 0, 0, 40]), rated("near", [0, 0, 0, 1, 19]), ...field().slice(2)];
    const far = field();
    expect(adaptiveShare(close)).toBeGreaterThan(0.05);
    expect(adaptiveShare(close)).toBeLessThan(0.4);
    expect(adaptiveShare(far)).toBeLessThan(adaptiveShare(close) / 2);
  });

  it("snapshotContenders keeps the top k + 1 and the straddlers, nearest the line first", () => {
    expect(snapshotContenders(field(), prior, 150, { topK: 1, z: 1.96 }).map((c) => c.id)).toEqual([
      "top",
      "border",
    ]);
    const wide = [...field(), rated("unsure", [0, 0, 0, 0, 3])];
    expect(snapshotContenders(wide, prior, 150, { topK: 1, z: 1.96 }).map((c) => c.id)).toEqual([
      "top",
      "border",
      "unsure",
    ]);
    // A posterior draw reaches further than z standard errors: thompson keeps a wider band.
    const edge = [...field(), rated("edge", [0, 0, 0, 12, 8])];
    expect(snapshotContenders(edge, prior, 150, { topK: 1, z: 1 }).map((c) => c.id)).toEqual([
      "top",
      "border",
    ]);
    expect(
      snapshotContenders(edge, prior, 150, { topK: 1, z: 1, rule: "thompson" }).map((c) => c.id),
    ).toEqual(["top", "border", "edge"]);
  });

  it("with a bounded slice: others only fill by exposure, the conversation's numbers decide", () => {
    const others = Array.from({ length: 5 }, (_, i) => ({ id: `x${i}`, exposure: 1, authorKey: `x${i}` }));
    const slice = field().slice(0, 2); // top and border, as a snapshot would hold them
    const input = { seen: new Set<string>(), authorKey: "me", prior, others };
    for (let seed = 0; seed < 10; seed++) {
      const random = createRng(seed).next;
      const batch = pickAdaptiveBatch({
        ...input,
        candidates: slice,
        size: 2,
        random,
        policy: { ...policy, share: 0.5 },
        conversation: { floorReached: true, meanExposure: 15.6, thoughts: 20 },
      }).map((c) => c.id);
      expect(batch).toContain("border");
      expect(batch.filter((id) => id.startsWith("x"))).toHaveLength(1);
      const held = pickAdaptiveBatch({
        ...input,
        candidates: slice,
        size: 2,
        random,
        policy,
        conversation: { floorReached: false, meanExposure: 15.6, thoughts: 20 },
      });
      expect(held.every((c) => c.id.startsWith("x"))).toBe(true);
    }
  });
});
