/**
 * DESIGN §5: rater-adjusted rating moments. Raters differ in two ways that a plain mean cannot
 * average out with about twenty raters per thought: some rate everything a star higher than
 * others (generosity), and some hold a different view of the question than others do (opinion:
 * on a divided question, one camp rates the other camp's thoughts low and its own high). Pure and
 * deterministic, like statistics.ts.
 *
 * Model: stars = m + thought effect + rater bias + leaning_r × axis_t + noise, where the last term
 * is the conversation's main axis of opinion (a rank-one factor, as in Community Notes' matrix
 * factorisation). All four are shrunk (ridge) estimates, fitted by alternating between them, which
 * is Gauss–Seidel on the joint estimate:
 *   thought effect = Σ(stars − m − bias − leaning·axis) / (n_thought + thoughtStrength)
 *   rater bias     = Σ(stars − m − effect − leaning·axis) / (n_rater + raterStrength)
 *   leaning        = Σ axis·(stars − m − effect − bias) / (Σ axis² + opinionStrength), and axis alike
 * The thought strength is the ranking's prior strength C, so residuals are taken from the very
 * score the ranking will use. A rater with one rating keeps at most 1 / (1 + raterStrength) of its
 * residual, so a few ratings barely move anyone. The opinion ridge works as a threshold: an axis
 * is kept only when the ratings' shared pattern is stronger than noise (on ratings with no opinion
 * structure it shrinks to zero, and the model is the additive bias model).
 *
 * What the adjustment does with each part differs, and that is the point (bench:replay, issue 13):
 * - generosity is removed: adjusted = stars − bias;
 * - opinion is not removed but re-weighted: adjusted = stars − bias − (leaning − mean leaning) × axis.
 *   A thought's raters are a sample; if more of one camp happened to rate it, its mean leans that
 *   camp's way. The adjustment moves each rating to what a rater of the conversation's average
 *   leaning would give, so the score estimates what everyone would give (post-stratification by
 *   opinion), instead of treating a camp's consistent disagreement as stinginess, which the
 *   additive model alone does: it lifted a minority camp's ratings everywhere, its own thoughts
 *   included, and lost to the plain mean on real Pol.is votes.
 *
 * Adjusted ratings are not clamped to 1–5: the scale's ends are where clamping loses the most, a
 * stingy rater's 5 means more than a generous rater's, and a clamp would pull those thoughts back
 * towards the middle. Effects are shrunk and centred, so adjusted values stay within about a star
 * of the scale, and the score itself is clamped to 1–5 by statistics.ts.
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
   * variance, so a rater needs this many ratings before half of their mean residual counts as
   * bias. See DEFAULT_RATER_STRENGTH.
   */
  readonly raterStrength?: number;
  /** Pseudo-ratings at the conversation mean for each thought: the ranking's prior strength. */
  readonly thoughtStrength?: number;
  /**
   * Ridge on the opinion axis (both the raters' leanings and the thoughts' loadings), or false for
   * the additive model alone. An axis survives only where the ratings' shared pattern beats it.
   */
  readonly opinionStrength?: number | false;
  /** Alternations (sweeps over all four parts). */
  readonly iterations?: number;
}

/**
 * 16, chosen on the tuning seeds (bench/tune.ts, issue 13 session 6) among 4, 8, 12, 16, 24 and
 * 32. 8 was noise ÷ bias variance on the simulation's stars (1.1² / 0.4²); real votes have three
 * levels two stars apart, so a rater's residuals are noisier and a few of them say less about
 * generosity. Replays 1001–1100: 17 of 18 bar cells at or above random against 16, mean ΔP@10
 * +0.035 against +0.031, worst cell +0.016 against +0.010; the simulation ties (P@20 −0.000
 * [−0.004, +0.004] on seeds 101–250). docs/ranking.md has the judged reading.
 */
export const DEFAULT_RATER_STRENGTH = 16;
/**
 * 5, chosen on bench:replay's tuning seeds (1001–1020) and bench:ranking's (101–110) among 2, 3,
 * 5, 7 and 20: at 2–3 the axis fits noise on the simulation (no opinion there; Kendall tau fell
 * from 0.752 to 0.740), at 20 it never survives on real votes; 5 and 7 kept the simulation's
 * figures and gained most on the divided real conversation (vTaiwan's Uber debate: Spearman
 * +0.02–0.03 over the additive model). Re-read on the full tuning seeds (bench/tune.ts: replays
 * 1001–1050, simulation 101–160): without the axis the replays meet the bar in 12 of 18 cells
 * instead of 15, without any adjustment in 11; the simulation ties (P@20 0.747 as it is, 0.752
 * without the axis, 0.744 without any adjustment; each difference within ±0.01).
 */
export const DEFAULT_OPINION_STRENGTH = 5;
/** Enough sweeps for the axis to settle from its start (it is found like a power iteration). */
export const DEFAULT_BIAS_ITERATIONS = 25;
const DEFAULT_THOUGHT_STRENGTH = 5;

export interface RaterBiasEstimate {
  /** Additive bias per rater in stars, centred so that the rating-weighted mean bias is zero. */
  readonly bias: ReadonlyMap<string, number>;
  /**
   * Each rater's leaning on the conversation's main axis of opinion, relative to the mean
   * leaning, in stars for a thought of typical loading (0 for everyone when no axis survived).
   */
  readonly leaning: ReadonlyMap<string, number>;
  /** Per thought: moments of the adjusted ratings, ready for thoughtStats / rankThoughts. */
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

/** A start for the opinion axis that depends on the thought's id only, not on reading order. */
function startingLoading(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return ((h >>> 0) / 4294967296 - 0.5) * 0.2;
}

/**
 * O(ratings × iterations). The cost is the two key lookups per rating; each sweep is a few passes
 * over typed arrays, so 250,000 ratings stay well under a second.
 */
export function estimateRaterBias(
  ratings: readonly RatingInput[],
  {
    raterStrength = DEFAULT_RATER_STRENGTH,
    thoughtStrength = DEFAULT_THOUGHT_STRENGTH,
    opinionStrength = DEFAULT_OPINION_STRENGTH,
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
  // The opinion axis: leaning per rater (starts at zero, so data without a shared pattern keeps
  // it at zero exactly), loading per thought.
  const leaning = new Float64Array(R);
  const loading = new Float64Array(T);
  const withOpinion = opinionStrength !== false;
  if (withOpinion) {
    for (const [t, key] of thoughts.keys.entries()) loading[t] = startingLoading(key);
  }
  const sum = new Float64Array(Math.max(T, R));
  const weight = new Float64Array(Math.max(T, R));
  const opinion = (r: number) => leaning[raterOf[r]!]! * loading[thoughtOf[r]!]!;
  for (let it = 0; it < iterations; it++) {
    sum.fill(0, 0, T);
    for (let r = 0; r < n; r++) sum[thoughtOf[r]!]! += stars[r]! - mean - bias[raterOf[r]!]! - opinion(r);
    for (let t = 0; t < T; t++) effect[t] = sum[t]! / (thoughtCount[t]! + thoughtStrength);

    sum.fill(0, 0, R);
    for (let r = 0; r < n; r++) sum[raterOf[r]!]! += stars[r]! - mean - effect[thoughtOf[r]!]! - opinion(r);
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

    if (!withOpinion) continue;
    const residual = (r: number) => stars[r]! - mean - effect[thoughtOf[r]!]! - bias[raterOf[r]!]!;
    sum.fill(0, 0, R);
    weight.fill(0, 0, R);
    for (let r = 0; r < n; r++) {
      const q = loading[thoughtOf[r]!]!;
      sum[raterOf[r]!]! += q * residual(r);
      weight[raterOf[r]!]! += q * q;
    }
    for (let i = 0; i < R; i++) leaning[i] = sum[i]! / (weight[i]! + opinionStrength);
    sum.fill(0, 0, T);
    weight.fill(0, 0, T);
    for (let r = 0; r < n; r++) {
      const p = leaning[raterOf[r]!]!;
      sum[thoughtOf[r]!]! += p * residual(r);
      weight[thoughtOf[r]!]! += p * p;
    }
    for (let t = 0; t < T; t++) loading[t] = sum[t]! / (weight[t]! + opinionStrength);
  }

  // The conversation's average leaning, rating-weighted like the bias centre.
  let meanLeaning = 0;
  for (let i = 0; i < R; i++) meanLeaning += (leaning[i]! * raterCount[i]!) / Math.max(1, n);
  let loadingSquares = 0;
  for (let t = 0; t < T; t++) loadingSquares += loading[t]! * loading[t]!;
  const typicalLoading = T > 0 ? Math.sqrt(loadingSquares / T) : 0;

  // Which raters rated which thoughts makes the re-weighting's mean over ratings drift from zero;
  // a constant shift (the same for every thought, so no order changes) keeps the conversation's mean.
  const reweight = (r: number) => (leaning[raterOf[r]!]! - meanLeaning) * loading[thoughtOf[r]!]!;
  let drift = 0;
  for (let r = 0; r < n; r++) drift += reweight(r) / n;

  const moments = Array.from({ length: T }, () => ({ count: 0, sum: 0, sumSquares: 0 }));
  for (let r = 0; r < n; r++) {
    const t = thoughtOf[r]!;
    const x = stars[r]! - bias[raterOf[r]!]! - reweight(r) + drift;
    const m = moments[t]!;
    m.count++;
    m.sum += x;
    m.sumSquares += x * x;
  }
  return {
    bias: new Map(raters.keys.map((key, i) => [key, bias[i]!])),
    leaning: new Map(raters.keys.map((key, i) => [key, (leaning[i]! - meanLeaning) * typicalLoading])),
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
