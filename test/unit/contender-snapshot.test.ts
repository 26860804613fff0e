import { describe, expect, it } from "vitest";
import type { RatedCandidate } from "../../functions/domain/adaptive.js";
import {
  buildContenderSnapshot,
  type ContenderSnapshot,
  pickWithSnapshot,
} from "../../functions/domain/contender-snapshot.js";
import type { Candidate } from "../../functions/domain/distributor.js";
import type { Histogram } from "../../functions/domain/statistics.js";
import { createRng } from "../../functions/lib/random.js";

const thought = (id: string, histogram: Histogram, exposure: number): RatedCandidate => ({
  id,
  histogram,
  exposure,
  authorKey: `author-${id}`,
});

/** 30 equal contenders near the line, each already at `exposure`. */
const contenders = (exposure: number) =>
  Array.from({ length: 30 }, (_, i) => thought(`top${i}`, [0, 0, 10, 20, 30], exposure));
/** The least-exposed page: 200 thoughts with 20 ratings, exposure 20. */
const page: Candidate[] = Array.from({ length: 200 }, (_, i) => ({
  id: `p${i}`,
  exposure: 20,
  authorKey: `author-p${i}`,
}));

const snapshotWith = (exposure: number): ContenderSnapshot => ({
  prior: { mean: 3.5, variance: 1, strength: 5 },
  thoughts: 230,
  minRatings: 20,
  meanRatings: 22,
  meanExposure: 22,
  contenders: contenders(exposure),
});

const pick = (snapshot: ContenderSnapshot | undefined, pageMinRatings = 20) =>
  pickWithSnapshot({
    snapshot,
    page,
    pageMinRatings,
    seen: new Set(),
    authorKey: "rater",
    size: 10,
    random: createRng(7).next,
  });

describe("buildContenderSnapshot", () => {
  it("keeps the floor numbers of every visible thought and the contenders near the line", () => {
    const visible = [
      ...contenders(60),
      ...Array.from({ length: 70 }, (_, i) => thought(`low${i}`, [10, 0, 0, 0, 0], 10)),
    ];
    const snapshot = buildContenderSnapshot(visible, 25);
    expect(snapshot.thoughts).toBe(100);
    expect(snapshot.minRatings).toBe(10);
    expect(snapshot.meanRatings).toBeCloseTo((30 * 60 + 70 * 10) / 100);
    expect(snapshot.meanExposure).toBeCloseTo((30 * 60 + 70 * 10) / 100);
    expect(snapshot.contenders).toHaveLength(25);
    expect(snapshot.contenders.every((c) => c.id.startsWith("top"))).toBe(true);
    // The top k + 1 at least, however small the limit: the line is the same from the subset.
    expect(buildContenderSnapshot(visible, 5).contenders).toHaveLength(21);
  });

  it("is empty-safe", () => {
    const snapshot = buildContenderSnapshot([]);
    expect(snapshot).toMatchObject({ thoughts: 0, minRatings: 0, meanRatings: 0, contenders: [] });
  });
});

describe("pickWithSnapshot", () => {
  it("is the balanced choice without a snapshot, and carries no cap", () => {
    const choice = pick(undefined);
    expect(choice.chosen).toHaveLength(10);
    expect(choice.capped).toBeUndefined();
  });

  it("holds the adaptive slots back while a thought shared since the snapshot catches up", () => {
    const choice = pick(snapshotWith(30), 0);
    expect(choice.capped).toBeUndefined();
    expect(choice.chosen.every((c) => c.id.startsWith("p"))).toBe(true);
  });

  it("gives contenders adaptive slots past the floor and carries the cap into the write", () => {
    const choice = pick(snapshotWith(30));
    expect(choice.chosen.some((c) => c.id.startsWith("top"))).toBe(true);
    expect(choice.capped?.has("top0")).toBe(true);
    expect(choice.maxExposure).toBe(3 * 22 - 1);
  });

  it("caps against the conversation's mean exposure, not the contenders' own", () => {
    // Contenders at 66 = 3 × the conversation mean: a cap taken from their own mean would let
    // them climb without end, as they are the ones the adaptive ratings go to.
    const choice = pick(snapshotWith(66));
    expect(choice.chosen).toHaveLength(10);
    expect(choice.chosen.filter((c) => c.id.startsWith("top"))).toEqual([]);
  });
});
