/**
 * DESIGN §5: rater-bias-adjusted rating moments. Some people rate everything a star higher than
 * others do; with about twenty raters per thought that generosity does not average out, and it is
 * noise the plain mean cannot remove. Pure and deterministic, like statistics.ts.
 *
 * Model: stars = m + thought effect + rater bias + noise. Both effects are estimated as shrunk
 * (ridge) means by alternating between them, which is Gauss–Seidel on the joint estimate:
 *   thought effect = Σ(stars − m − bias) / (n_thought + thoughtStrength)
 *   rater bias     = Σ(stars − m − thought effect) / (n_rater + raterStrength)
 * The thought strength is the ranking's prior strength C, so residuals are taken from the very
 * score the ranking will use. A rater with one rating keeps at most 1 / (1 + raterStrength) of its
 * residual, so a few ratings barely move anyone.
 *
 * Adjusted ratings (stars − bias) are not clamped to 1–5: the scale's ends are where clamping
 * loses the most, a stingy rater's 5 means more than a generous rater's, and a clamp would pull
 * those thoughts back towards the middle. Biases are shrunk and centred, so adjusted values stay
 * within about a star of the scale, and the score itself is clamped to 1–5 by statistics.ts.
 */
import type { Moments } from "./statistics.js";

export interface RatingInput {
  readonly thoughtId: string;
  readonly raterKey: string;
  readonly stars: number;
}

export interface RaterBiasOptions {
  /**
   * Pseudo-ratings of zero bias pooled with each rater's residuals: noise variance ÷ bias
   * variance. Raters reading the same thought differ by about 1.1 stars and raters' own leanings
   * by about 0.4, so 1.1² / 0.4² ≈ 8: a rater needs eight ratings before half of their mean
   * residual counts as bias.
   */
  readonly raterStrength?: number;
  /** Pseudo-ratings at the conversation mean for each thought: the ranking's prior strength. */
  readonly thoughtStrength?: number;
  /** Alternations. Each one shrinks what is left to fit by about the share of a rater's mean that is noise. */
  readonly iterations?: number;
}

export const DEFAULT_RATER_STRENGTH = 8;
export const DEFAULT_BIAS_ITERATIONS = 4;
const DEFAULT_THOUGHT_STRENGTH = 5;

export interface RaterBiasEstimate {
  /** Additive bias per rater in stars, centred so that the rating-weighted mean bias is zero. */
  readonly bias: ReadonlyMap<string, number>;
  /** Per thought: moments of stars − bias, ready for thoughtStats / rankThoughts. */
  readonly thoughts: ReadonlyMap<string, Moments>;
}

/** Dense indices for string keys, in order of first appearance (so the result is deterministic). */
function indexer(): { index: (key: string) => number; keys: string[] } {
  const at = new Map<string, number>();
  const keys: string[] = [];
  return {
    index: (key) => {
      let i = at.get(key);
      if (i === undefined) {
        i = keys.length;
        at.set(key, i);
        keys.push(key);
      }
      return i;
    },
    keys,
  };
}

/**
 * O(ratings × iterations). The cost is the two key lookups per rating; each iteration is two
 * passes over typed arrays, so 250,000 ratings stay well under a second.
 */
export function estimateRaterBias(
  ratings: readonly RatingInput[],
  {
    raterStrength = DEFAULT_RATER_STRENGTH,
    thoughtStrength = DEFAULT_THOUGHT_STRENGTH,
    iterations = DEFAULT_BIAS_ITERATIONS,
  }: RaterBiasOptions = {},
): RaterBiasEstimate {
  const n = ratings.length;
  const thoughts = indexer();
  const raters = indexer();
  const thoughtOf = new Int32Array(n);
  const raterOf = new Int32Array(n);
  const stars = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const rating = ratings[r]!;
    thoughtOf[r] = thoughts.index(rating.thoughtId);
    raterOf[r] = raters.index(rating.raterKey);
    stars[r] = rating.stars;
    total += rating.stars;
  }
  const mean = n > 0 ? total / n : 0;
  const T = thoughts.keys.length;
  const R = raters.keys.length;
  const thoughtCount = new Float64Array(T);
  const raterCount = new Float64Array(R);
  for (let r = 0; r < n; r++) {
    thoughtCount[thoughtOf[r]!]!++;
    raterCount[raterOf[r]!]!++;
  }

  const effect = new Float64Array(T);
  const bias = new Float64Array(R);
  const sum = new Float64Array(Math.max(T, R));
  for (let it = 0; it < iterations; it++) {
    sum.fill(0, 0, T);
    for (let r = 0; r < n; r++) sum[thoughtOf[r]!]! += stars[r]! - mean - bias[raterOf[r]!]!;
    for (let t = 0; t < T; t++) effect[t] = sum[t]! / (thoughtCount[t]! + thoughtStrength);

    sum.fill(0, 0, R);
    for (let r = 0; r < n; r++) sum[raterOf[r]!]! += stars[r]! - mean - effect[thoughtOf[r]!]!;
    let weighted = 0;
    for (let i = 0; i < R; i++) {
      // Every rater here has at least one rating, so the denominator is positive even at strength 0.
      bias[i] = sum[i]! / (raterCount[i]! + raterStrength);
      weighted += bias[i]! * raterCount[i]!;
    }
    // Centre: adjusted ratings keep the conversation's mean, so the prior and the scores stay on
    // the familiar star scale and a generous crowd is not mistaken for one generous rater.
    const centre = weighted / n;
    for (let i = 0; i < R; i++) bias[i]! -= centre;
  }

  const moments = Array.from({ length: T }, () => ({ count: 0, sum: 0, sumSquares: 0 }));
  for (let r = 0; r < n; r++) {
    const x = stars[r]! - bias[raterOf[r]!]!;
    const m = moments[thoughtOf[r]!]!;
    m.count++;
    m.sum += x;
    m.sumSquares += x * x;
  }
  return {
    bias: new Map(raters.keys.map((key, i) => [key, bias[i]!])),
    thoughts: new Map(thoughts.keys.map((key, i) => [key, moments[i]!])),
  };
}

/** Just the per-thought adjusted moments: what rankings need. */
export function adjustedThoughtMoments(
  ratings: readonly RatingInput[],
  options?: RaterBiasOptions,
): ReadonlyMap<string, Moments> {
  return estimateRaterBias(ratings, options).thoughts;
}
