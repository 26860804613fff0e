import { describe, expect, it } from "vitest";
import {
  adjustedThoughtMoments,
  estimateRaterBias,
  type RatingInput,
} from "../../functions/domain/rater-bias.js";
import { createRng } from "../../functions/lib/random.js";

/** Every rater rates every thought: stars = 3 + quality + bias (+ noise), optionally rounded to 1–5. */
function ratingsFor(
  quality: readonly number[],
  bias: readonly number[],
  { noise = 0, seed = 1, round = false } = {},
): RatingInput[] {
  const rng = createRng(seed);
  const ratings: RatingInput[] = [];
  bias.forEach((b, r) => {
    quality.forEach((q, t) => {
      const latent = 3 + q + b + noise * rng.normal();
      const stars = round ? Math.min(5, Math.max(1, Math.round(latent))) : latent;
      ratings.push({ thoughtId: `t${t}`, raterKey: `r${r}`, stars });
    });
  });
  return ratings;
}

const spread = (n: number, width: number) => Array.from({ length: n }, (_, i) => width * (i / (n - 1) - 0.5));

describe("estimateRaterBias", () => {
  it("recovers known biases exactly on noise-free data without shrinkage", () => {
    const bias = spread(6, 1.2); // −0.6 … +0.6, centred
    const ratings = ratingsFor(spread(10, 1), bias);
    const estimate = estimateRaterBias(ratings, { raterStrength: 0, thoughtStrength: 0, iterations: 3 });
    for (const [r, b] of bias.entries()) expect(estimate.bias.get(`r${r}`)).toBeCloseTo(b, 10);
    // Adjusted ratings are the thought's own value: no spread left.
    const m = estimate.thoughts.get("t0")!;
    expect(m.count).toBe(6);
    expect(m.sumSquares / m.count - (m.sum / m.count) ** 2).toBeCloseTo(0, 10);
  });

  it("recovers biases from noisy, rounded stars with the default shrinkage", () => {
    const rng = createRng(7);
    const bias = Array.from({ length: 60 }, () => 0.5 * rng.normal());
    const ratings = ratingsFor(
      Array.from({ length: 80 }, () => 0.6 * rng.normal()),
      bias,
      { noise: 1, seed: 8, round: true },
    );
    const estimate = estimateRaterBias(ratings);
    const estimated = bias.map((_, r) => estimate.bias.get(`r${r}`)!);
    expect(correlation(estimated, bias)).toBeGreaterThan(0.9);
  });

  it("barely adjusts a rater with a single rating", () => {
    // Thought "x": twenty raters give 3 stars, "once" gives 5. Rater "often" gives 5 where all others give 3, forty times.
    const ratings: RatingInput[] = [];
    for (let t = 0; t < 40; t++) {
      for (let r = 0; r < 20; r++) ratings.push({ thoughtId: `t${t}`, raterKey: `r${r}`, stars: 3 });
      ratings.push({ thoughtId: `t${t}`, raterKey: "often", stars: 5 });
    }
    for (let r = 0; r < 20; r++) ratings.push({ thoughtId: "x", raterKey: `r${r}`, stars: 3 });
    ratings.push({ thoughtId: "x", raterKey: "once", stars: 5 });
    const { bias } = estimateRaterBias(ratings);
    expect(Math.abs(bias.get("once")!)).toBeLessThan(0.25);
    expect(bias.get("often")!).toBeGreaterThan(1);
    expect(bias.get("often")! - bias.get("once")!).toBeGreaterThan(1);
  });

  it("counts half of a rater's mean residual as bias after sixteen ratings (the default shrinkage)", () => {
    // Real votes are coarse (issue 13): eight ratings, the earlier default, would count two thirds.
    const ratings: RatingInput[] = [];
    for (let t = 0; t < 16; t++) {
      for (let r = 0; r < 200; r++) ratings.push({ thoughtId: `t${t}`, raterKey: `r${r}`, stars: 3 });
      ratings.push({ thoughtId: `t${t}`, raterKey: "keen", stars: 4 });
    }
    expect(estimateRaterBias(ratings).bias.get("keen")).toBeCloseTo(0.5, 1);
  });

  it("changes nothing when every rater agrees on every thought", () => {
    const ratings = ratingsFor([-1, 0, 1, 2], [0, 0, 0, 0, 0]);
    const estimate = estimateRaterBias(ratings);
    for (const b of estimate.bias.values()) expect(b).toBeCloseTo(0, 12);
    expect(estimate.thoughts.get("t3")).toEqual({ count: 5, sum: 25, sumSquares: 125 });
  });

  it("keeps counts and the conversation's mean", () => {
    const rng = createRng(3);
    const ratings = Array.from({ length: 500 }, () => ({
      thoughtId: `t${rng.int(40)}`,
      raterKey: `r${rng.int(30)}`,
      stars: 1 + rng.int(5),
    }));
    const moments = [...adjustedThoughtMoments(ratings).values()];
    expect(moments.reduce((s, m) => s + m.count, 0)).toBe(500);
    const rawMean = ratings.reduce((s, r) => s + r.stars, 0) / 500;
    expect(moments.reduce((s, m) => s + m.sum, 0) / 500).toBeCloseTo(rawMean, 10);
  });

  it("is deterministic", () => {
    const ratings = ratingsFor(spread(12, 2), spread(9, 1), { noise: 1, seed: 5, round: true });
    expect(estimateRaterBias(ratings)).toEqual(estimateRaterBias(ratings));
  });

  it("handles no ratings", () => {
    const estimate = estimateRaterBias([]);
    expect(estimate.bias.size).toBe(0);
    expect(estimate.thoughts.size).toBe(0);
  });
});

function correlation(x: readonly number[], y: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, a) => s + a, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((a, i) => {
    sxy += (a - mx) * (y[i]! - my);
    sxx += (a - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Two camps of 20 raters. On "calibration" thoughts everyone rates, camp A gives 4 to thoughts
 * loading +1 and 2 to thoughts loading −1, camp B the reverse: each thought's true mean (what
 * everyone would give) is 3, and no rater is generous or stingy overall. Thought "skewed" loads
 * +1 too, but 15 raters of camp A and only 3 of camp B happened to rate it.
 */
function camps(): RatingInput[] {
  const ratings: RatingInput[] = [];
  const leaning = (r: number) => (r < 20 ? 1 : -1);
  for (let t = 0; t < 20; t++) {
    const loading = t % 2 === 0 ? 1 : -1;
    for (let r = 0; r < 40; r++) {
      ratings.push({ thoughtId: `t${t}`, raterKey: `r${r}`, stars: 3 + leaning(r) * loading });
    }
  }
  for (const r of [...Array(15).keys(), 20, 21, 22]) {
    ratings.push({ thoughtId: "skewed", raterKey: `r${r}`, stars: 3 + leaning(r) });
  }
  return ratings;
}
describe("estimateRaterBias with opinion (the conversation's main axis)", () => {
  const meanOf = (m: { count: number; sum: number } | undefined) => m!.sum / m!.count;

  it("re-weights a thought's raters to the whole room's mix of opinions", () => {
    const ratings = camps();
    const raw = ratings.filter((r) => r.thoughtId === "skewed");
    expect(raw.reduce((s, r) => s + r.stars, 0) / raw.length).toBeCloseTo(3.667, 3);
    // The additive model sees no generosity here (each camp likes half the thoughts): still 3.67.
    const additive = estimateRaterBias(ratings, { opinionStrength: false });
    expect(meanOf(additive.thoughts.get("skewed"))).toBeGreaterThan(3.6);
    // With the axis: most of the way to the 3 everyone would give (the ridge on the thought's
    // loading, 18 raters against a strength of 5, keeps it from going all the way).
    const estimate = estimateRaterBias(ratings);
    const skewed = meanOf(estimate.thoughts.get("skewed"));
    expect(skewed).toBeLessThan(3.35);
    expect(skewed).toBeGreaterThan(2.9);
    // Calibration thoughts, rated by everyone, keep their mean.
    expect(meanOf(estimate.thoughts.get("t0"))).toBeCloseTo(3, 1);
  });

  it("places the two camps on opposite sides of the axis, and does not mistake them for generosity", () => {
    const estimate = estimateRaterBias(camps());
    const a = estimate.leaning.get("r0")!;
    const b = estimate.leaning.get("r30")!;
    expect(Math.sign(a)).toBe(-Math.sign(b));
    expect(Math.abs(a - b)).toBeGreaterThan(1.5);
    for (const bias of estimate.bias.values()) expect(Math.abs(bias)).toBeLessThan(0.1);
  });

  it("keeps no axis where there is no shared pattern (noise-free additive data)", () => {
    const ratings = ratingsFor(spread(10, 1), spread(6, 1.2));
    const estimate = estimateRaterBias(ratings);
    for (const l of estimate.leaning.values()) expect(l).toBeCloseTo(0, 10);
  });

  it("does not depend on the order the ratings are read in", () => {
    const ratings = camps();
    const reversed = [...ratings].reverse();
    const a = estimateRaterBias(ratings).thoughts.get("skewed")!;
    const b = estimateRaterBias(reversed).thoughts.get("skewed")!;
    expect(b.sum / b.count).toBeCloseTo(a.sum / a.count, 6);
  });
});

describe("estimateRaterBias choosing the opinion axis by cross-validation", () => {
  /**
   * A sparse conversation without camps: 40 thoughts, 60 raters, each rating 8 thoughts at
   * random, three-level stars (1, 3, 5) from quality + generosity + noise. Noise alone has a
   * shared pattern in so few ratings, and a ridge-only axis fits it.
   */
  function sparseWithoutCamps(seed: number): RatingInput[] {
    const rng = createRng(seed);
    const quality = Array.from({ length: 40 }, () => 0.6 * rng.normal());
    const ratings: RatingInput[] = [];
    for (let r = 0; r < 60; r++) {
      const generosity = 0.4 * rng.normal();
      const thoughts = [...quality.keys()].sort(() => rng.next() - 0.5).slice(0, 8);
      for (const t of thoughts) {
        const latent = quality[t]! + generosity + 1.2 * rng.normal();
        const stars = latent > 0.6 ? 5 : latent < -0.6 ? 1 : 3;
        ratings.push({ thoughtId: `t${t}`, raterKey: `r${r}`, stars });
      }
    }
    return ratings;
  }

  it("keeps the axis where camps are real, as the ridge alone does", () => {
    const ratings = camps();
    const selected = estimateRaterBias(ratings, { selectAxis: true });
    expect(selected).toEqual(estimateRaterBias(ratings, { selectAxis: false }));
    expect(Math.abs(selected.leaning.get("r0")!)).toBeGreaterThan(0.5);
  });

  it("drops an axis fitted to noise: the estimate is then exactly the additive model's", () => {
    let dropped = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const ratings = sparseWithoutCamps(seed);
      const ridgeOnly = estimateRaterBias(ratings, { selectAxis: false });
      const additive = estimateRaterBias(ratings, { opinionStrength: false });
      // The ridge keeps an axis on noise: leanings are not zero and the scores move.
      expect(Math.max(...[...ridgeOnly.leaning.values()].map(Math.abs))).toBeGreaterThan(0.01);
      if (sameScores(estimateRaterBias(ratings, { selectAxis: true }), additive)) dropped++;
    }
    expect(dropped).toBeGreaterThanOrEqual(4);
  });

  it("decides the same whatever order the ratings come in (folds follow who rated what)", () => {
    for (const seed of [1, 2, 3]) {
      const ratings = sparseWithoutCamps(seed);
      const rng = createRng(seed + 100);
      const shuffled = ratings
        .map((r) => ({ r, key: rng.next() }))
        .sort((x, y) => x.key - y.key)
        .map(({ r }) => r);
      const a = estimateRaterBias(ratings, { selectAxis: true });
      const b = estimateRaterBias(shuffled, { selectAxis: true });
      for (const [id, m] of a.thoughts) expect(b.thoughts.get(id)!.sum).toBeCloseTo(m.sum, 6);
    }
  });
});

type Estimate = ReturnType<typeof estimateRaterBias>;
const sameScores = (a: Estimate, b: Estimate) =>
  JSON.stringify([...a.thoughts]) === JSON.stringify([...b.thoughts]);
