import { describe, expect, it } from "vitest";
import {
  consensusThoughts,
  conversationMean,
  conversationPrior,
  coverage,
  findings,
  groupStats,
  type Histogram,
  histogramFromRecord,
  histogramMoments,
  momentsPrior,
  type Prior,
  polarizingThoughts,
  rankThoughts,
  thoughtStats,
} from "../../functions/domain/statistics.js";

// Round numbers so every expectation below can be checked by hand: m = 3, σ0² = 2, C = 5.
const prior: Prior = { mean: 3, variance: 2, strength: 5 };

describe("thoughtStats", () => {
  it("gives an unrated thought the conversation mean and a wide, finite interval", () => {
    const s = thoughtStats([0, 0, 0, 0, 0], prior);
    expect(s.count).toBe(0);
    expect(s.mean).toBeNull();
    expect(s.score).toBe(3);
    // 3 ± 1.96·√(2/5)
    expect(s.ci.low).toBeCloseTo(1.76039, 4);
    expect(s.ci.high).toBeCloseTo(4.23961, 4);
    expect(s.agreement).toBe(0);
    expect(s.polarization).toBe(0);
  });

  it("shrinks a single rating towards the conversation mean", () => {
    const s = thoughtStats([0, 0, 0, 0, 1], prior);
    expect(s.count).toBe(1);
    expect(s.mean).toBe(5);
    expect(s.score).toBeCloseTo(20 / 6, 10); // (5·3 + 5) / (5 + 1)
    // pooled variance (5·(2 + 9) + 25)/6 − (10/3)² = 20/9; half width 1.96·√(20/9/6)
    expect(s.ci.low).toBeCloseTo(2.14051, 4);
    expect(s.ci.high).toBeCloseTo(4.52615, 4);
    expect(s.agreement).toBe(1);
    expect(s.polarization).toBe(0);
  });

  it("reads identical ratings as full agreement and no polarization", () => {
    const s = thoughtStats([0, 0, 0, 10, 0], prior);
    expect(s.mean).toBe(4);
    expect(s.score).toBeCloseTo(55 / 15, 10);
    // pooled variance 215/15 − (55/15)² = 8/9; half width 1.96·√(8/9/15)
    expect(s.ci.low).toBeCloseTo(3.18954, 4);
    expect(s.ci.high).toBeCloseTo(4.14379, 4);
    expect(s.agreement).toBe(1);
    expect(s.polarization).toBe(0);
  });

  it("reads an even split between 1 and 5 stars as no agreement and full polarization", () => {
    const s = thoughtStats([5, 0, 0, 0, 5], prior);
    expect(s.mean).toBe(3);
    expect(s.score).toBe(3);
    // pooled variance 185/15 − 9 = 10/3
    expect(s.ci.low).toBeCloseTo(2.07605, 4);
    expect(s.ci.high).toBeCloseTo(3.92395, 4);
    expect(s.agreement).toBe(0);
    expect(s.polarization).toBe(1);
  });

  it("scores spread without camps below a real split", () => {
    const uniform = thoughtStats([1, 1, 1, 1, 1], prior);
    expect(uniform.agreement).toBeCloseTo(1 - Math.SQRT2 / 2, 10); // sd √2
    expect(uniform.polarization).toBeCloseTo(0.6, 10); // low = high = (1 + ½)/5
    const mild = thoughtStats([0, 2, 0, 2, 0], prior);
    expect(mild.agreement).toBeCloseTo(0.5, 10); // sd 1
    expect(mild.polarization).toBeCloseTo(0.5, 10); // low = high = ½·½
    const lopsided = thoughtStats([1, 0, 0, 0, 3], prior);
    expect(lopsided.polarization).toBeCloseTo(0.5, 10); // 2·min(¼, ¾)
  });

  it("uses the raw mean when the prior has no strength, and clamps the interval to the scale", () => {
    const s = thoughtStats([0, 0, 0, 0, 3], { mean: 3, variance: 2, strength: 0 });
    expect(s.score).toBe(5);
    expect(s.ci).toEqual({ low: 5, high: 5 });
    const high = thoughtStats([0, 0, 0, 0, 3], { mean: 5, variance: 2, strength: 5 });
    expect(high.ci.high).toBe(5);
    expect(high.ci.low).toBeLessThan(5);
  });

  it("narrows the interval as ratings come in", () => {
    const widths = [0, 1, 4, 16, 64].map((n) => {
      const { ci } = thoughtStats([0, 0, n, n, 0], prior);
      return ci.high - ci.low;
    });
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeLessThan(widths[i - 1]!);
  });
});

describe("conversation prior", () => {
  it("pools every rating", () => {
    // ratings 1, 5, 3, 3: mean 3, variance (4 + 4 + 0 + 0)/4
    const p = conversationPrior([
      [1, 0, 0, 0, 1],
      [0, 0, 2, 0, 0],
    ]);
    expect(p).toEqual({ mean: 3, variance: 2, strength: 5 });
    expect(conversationMean([[0, 0, 0, 1, 3]])).toBe(4.75);
  });

  it("falls back to a neutral prior, and never to zero variance", () => {
    expect(conversationPrior([])).toEqual({ mean: 3, variance: 2, strength: 5 });
    expect(conversationPrior([[0, 0, 0, 0, 0]], 8)).toEqual({ mean: 3, variance: 2, strength: 8 });
    expect(conversationPrior([[0, 0, 0, 0, 1]])).toEqual({ mean: 5, variance: 2, strength: 5 });
    expect(conversationPrior([[0, 0, 0, 4, 0]])).toEqual({ mean: 4, variance: 0.25, strength: 5 });
  });

  it("reads the stored histogram record", () => {
    expect(histogramFromRecord({ "1": 2, "5": 3 })).toEqual([2, 0, 0, 0, 3]);
    expect(histogramFromRecord(undefined)).toEqual([0, 0, 0, 0, 0]);
  });
});

const thought = (id: string, histogram: Histogram) => ({ id, histogram });

describe("ranking", () => {
  it("ranks by Bayesian score, not by raw mean", () => {
    const ranked = rankThoughts(
      [thought("lucky", [0, 0, 0, 0, 1]), thought("solid", [0, 0, 0, 10, 0])],
      prior,
    );
    expect(ranked.map((t) => t.id)).toEqual(["solid", "lucky"]);
  });

  it("breaks ties by interval, then count, then id, whatever the input order", () => {
    const input = [
      thought("d", [0, 0, 0, 0, 0]),
      thought("c", [0, 0, 2, 0, 0]),
      thought("b", [0, 0, 0, 0, 0]),
      thought("a", [1, 0, 0, 0, 1]),
    ];
    const expected = ["c", "a", "b", "d"]; // all score 3; c's interval is the narrowest
    expect(rankThoughts(input, prior).map((t) => t.id)).toEqual(expected);
    expect(rankThoughts([...input].reverse(), prior).map((t) => t.id)).toEqual(expected);
  });

  it("lists consensus and polarizing thoughts", () => {
    const ranked = rankThoughts(
      [
        thought("agreed-good", [0, 0, 0, 10, 0]),
        thought("agreed-meh", [0, 0, 10, 0, 0]),
        thought("split", [5, 0, 0, 0, 5]),
        thought("spread", [1, 1, 1, 1, 1]),
        thought("too-few", [0, 0, 0, 0, 2]),
      ],
      prior,
    );
    expect(consensusThoughts(ranked, prior).map((t) => t.id)).toEqual(["agreed-good"]);
    expect(polarizingThoughts(ranked).map((t) => t.id)).toEqual(["split", "spread"]);
    expect(polarizingThoughts(ranked, { limit: 1 }).map((t) => t.id)).toEqual(["split"]);
  });
});

describe("bias-adjusted moments", () => {
  it("take the score and interval from adjusted moments, and everything else from the histogram", () => {
    const raw = thoughtStats([0, 0, 0, 10, 0], prior);
    // The same ten ratings once each rater's +0.5 leaning is taken off: ten times 3.5.
    const s = thoughtStats([0, 0, 0, 10, 0], prior, undefined, { count: 10, sum: 35, sumSquares: 122.5 });
    expect(s.score).toBeCloseTo(50 / 15, 10); // (5·3 + 35) / 15
    expect(s.score).toBeLessThan(raw.score);
    expect(s.ci.high - s.ci.low).toBeLessThan(raw.ci.high - raw.ci.low);
    expect(s).toMatchObject({ count: 10, mean: 4, histogram: [0, 0, 0, 10, 0], agreement: 1 });
  });

  it("equal the histogram's when nothing is adjusted", () => {
    const h: Histogram = [1, 2, 3, 4, 5];
    expect(histogramMoments(h)).toEqual({ count: 15, sum: 55, sumSquares: 225 });
    expect(thoughtStats(h, prior, undefined, histogramMoments(h))).toEqual(thoughtStats(h, prior));
    expect(momentsPrior([histogramMoments(h), histogramMoments([2, 0, 0, 0, 0])])).toEqual(
      conversationPrior([h, [2, 0, 0, 0, 0]]),
    );
  });

  it("keep the score on the 1–5 scale", () => {
    // Five 5s from raters who give everyone a star less: adjusted 6 each.
    const s = thoughtStats([0, 0, 0, 0, 5], { mean: 5, variance: 1, strength: 5 }, undefined, {
      count: 5,
      sum: 30,
      sumSquares: 180,
    });
    expect(s.score).toBe(5);
  });

  it("rank thoughts when given", () => {
    const input = [
      { ...thought("generous-crowd", [0, 0, 0, 10, 0]), adjusted: { count: 10, sum: 32, sumSquares: 103 } },
      { ...thought("stingy-crowd", [0, 0, 10, 0, 0]), adjusted: { count: 10, sum: 36, sumSquares: 130 } },
    ];
    expect(rankThoughts(input, prior).map((t) => t.id)).toEqual(["stingy-crowd", "generous-crowd"]);
    expect(
      rankThoughts(
        input.map(({ adjusted: _, ...t }) => t),
        prior,
      ).map((t) => t.id),
    ).toEqual(["generous-crowd", "stingy-crowd"]);
  });

  it("score groups when given", () => {
    const g = groupStats([[0, 0, 0, 10, 0]], prior, [{ count: 10, sum: 35, sumSquares: 122.5 }]);
    expect(g.score).toBeCloseTo(50 / 15, 10);
    expect(g.meanScore).toBeCloseTo(50 / 15, 10);
    expect(g.mean).toBe(4);
  });
});

describe("coverage", () => {
  it("reports min, median, max and mean ratings per thought", () => {
    expect(coverage([])).toEqual({ thoughts: 0, min: 0, median: 0, max: 0, mean: 0 });
    expect(coverage([4, 1, 9])).toEqual({ thoughts: 3, min: 1, median: 4, max: 9, mean: 14 / 3 });
    expect(coverage([1, 5, 2, 8])).toEqual({ thoughts: 4, min: 1, median: 3.5, max: 8, mean: 4 });
  });
});

describe("groupStats", () => {
  it("pools a theme's histograms and averages its members' scores", () => {
    const g = groupStats(
      [
        [0, 0, 0, 10, 0],
        [5, 0, 0, 0, 5],
      ],
      prior,
    );
    expect(g.histogram).toEqual([5, 0, 0, 10, 5]);
    expect(g.thoughts).toBe(2);
    expect(g.count).toBe(20);
    expect(g.mean).toBe(3.5);
    expect(g.score).toBeCloseTo(3.4, 10); // (15 + 70) / 25
    expect(g.meanScore).toBeCloseTo((55 / 15 + 3) / 2, 10);
    expect(g.agreement).toBeCloseTo(0.25, 10); // sd 1.5
    expect(g.polarization).toBeCloseTo(0.5, 10); // 2·min(¼, ½)
  });

  it("handles an empty group", () => {
    const g = groupStats([], prior);
    expect(g).toMatchObject({ thoughts: 0, count: 0, mean: null, score: 3, meanScore: 3 });
  });
});

describe("findings", () => {
  it("derives the prior from the conversation and ranks everything", () => {
    const f = findings([
      thought("a", [0, 0, 0, 0, 0]),
      thought("b", [0, 0, 0, 0, 2]),
      thought("c", [2, 0, 0, 0, 0]),
    ]);
    expect(f.prior.mean).toBe(3);
    expect(f.ranked.map((t) => t.id)).toEqual(["b", "a", "c"]);
    expect(f.ranked[1]!.stats.score).toBe(3);
    expect(f.coverage).toMatchObject({ min: 0, median: 2, max: 2 });
  });
});
