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
 * structure it shrinks to zero, and the model is the additive bias model). At eight to fifteen
 * ratings per thought, though, noise has a shared pattern strong enough to pass the ridge, so the
 * axis is kept only where it also predicts ratings it was not fitted on better than the additive
 * model does (`selectAxis`, 5-fold cross-validation; docs/ranking.md has the readings).
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
  /**
   * Keep the opinion axis only where it predicts held-out ratings better than the additive model
   * (5-fold cross-validation; see axisPredictsBetter). On by default (issue 13, session 7): on
   * the simulation, whose raters have no opinions, it drops the axis every time (P@20 +0.004
   * [−0.000, +0.009] on seeds 101–300); on the replays it drops the axis where camps are not
   * real (affordable-housing's Spearman cells) and keeps it on vTaiwan (18 of 18 cells, a tie).
   */
  readonly selectAxis?: boolean;
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

/** The ratings as dense arrays, keys in order of first appearance (so results are deterministic). */
interface Encoded {
  readonly thoughtOf: Int32Array;
  readonly raterOf: Int32Array;
  readonly stars: Float64Array;
  readonly thoughtKeys: readonly string[];
  readonly raterKeys: readonly string[];
}

function encode(ratings: readonly RatingInput[]): Encoded {
  const n = ratings.length;
  const thoughts = indexer();
  const raters = indexer();
  const thoughtOf = new Int32Array(n);
  const raterOf = new Int32Array(n);
  const stars = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const rating = ratings[r]!;
    thoughtOf[r] = thoughts.index(rating.thoughtId);
    raterOf[r] = raters.index(rating.raterKey);
    stars[r] = rating.stars;
  }
  return { thoughtOf, raterOf, stars, thoughtKeys: thoughts.keys, raterKeys: raters.keys };
}

interface FitOptions {
  readonly raterStrength: number;
  readonly thoughtStrength: number;
  readonly opinionStrength: number | false;
  readonly iterations: number;
}

/** The model's parts, per dense index: stars ≈ mean + effect + bias + leaning × loading. */
interface Fit {
  readonly mean: number;
  /** Ratings the fit used (a held-out fold's are not). */
  readonly used: number;
  readonly effect: Float64Array;
  readonly bias: Float64Array;
  readonly leaning: Float64Array;
  readonly loading: Float64Array;
  readonly raterCount: Float64Array;
}

/**
 * The alternating ridge fit (see the file's header), on the ratings `use` marks (all of them
 * when absent). O(ratings × iterations): each sweep is a few passes over typed arrays.
 */
function fitModel(data: Encoded, options: FitOptions, use?: Uint8Array): Fit {
  const { thoughtOf, raterOf, stars } = data;
  const { raterStrength, thoughtStrength, opinionStrength, iterations } = options;
  const n = stars.length;
  const T = data.thoughtKeys.length;
  const R = data.raterKeys.length;
  const used = (r: number) => use === undefined || use[r] === 1;
  const thoughtCount = new Float64Array(T);
  const raterCount = new Float64Array(R);
  let total = 0;
  let count = 0;
  for (let r = 0; r < n; r++) {
    if (!used(r)) continue;
    thoughtCount[thoughtOf[r]!]!++;
    raterCount[raterOf[r]!]!++;
    total += stars[r]!;
    count++;
  }
  const mean = count > 0 ? total / count : 0;

  const effect = new Float64Array(T);
  const bias = new Float64Array(R);
  // The opinion axis: leaning per rater (starts at zero, so data without a shared pattern keeps
  // it at zero exactly), loading per thought.
  const leaning = new Float64Array(R);
  const loading = new Float64Array(T);
  const withOpinion = opinionStrength !== false;
  if (withOpinion) {
    for (const [t, key] of data.thoughtKeys.entries()) loading[t] = startingLoading(key);
  }
  const sum = new Float64Array(Math.max(T, R));
  const weight = new Float64Array(Math.max(T, R));
  const opinion = (r: number) => leaning[raterOf[r]!]! * loading[thoughtOf[r]!]!;
  for (let it = 0; it < iterations; it++) {
    sum.fill(0, 0, T);
    for (let r = 0; r < n; r++) {
      if (used(r)) sum[thoughtOf[r]!]! += stars[r]! - mean - bias[raterOf[r]!]! - opinion(r);
    }
    for (let t = 0; t < T; t++) effect[t] = sum[t]! / (thoughtCount[t]! + thoughtStrength);

    sum.fill(0, 0, R);
    for (let r = 0; r < n; r++) {
      if (used(r)) sum[raterOf[r]!]! += stars[r]! - mean - effect[thoughtOf[r]!]! - opinion(r);
    }
    let weighted = 0;
    for (let i = 0; i < R; i++) {
      // A rater with no rating in use has a zero sum: the bias stays zero even at strength 0.
      bias[i] = sum[i]! / Math.max(raterCount[i]! + raterStrength, 1e-9);
      weighted += bias[i]! * raterCount[i]!;
    }
    // Centre: adjusted ratings keep the conversation's mean, so the prior and the scores stay on
    // the familiar star scale and a generous crowd is not mistaken for one generous rater.
    const centre = count > 0 ? weighted / count : 0;
    for (let i = 0; i < R; i++) bias[i]! -= centre;

    if (!withOpinion) continue;
    const residual = (r: number) => stars[r]! - mean - effect[thoughtOf[r]!]! - bias[raterOf[r]!]!;
    sum.fill(0, 0, R);
    weight.fill(0, 0, R);
    for (let r = 0; r < n; r++) {
      if (!used(r)) continue;
      const q = loading[thoughtOf[r]!]!;
      sum[raterOf[r]!]! += q * residual(r);
      weight[raterOf[r]!]! += q * q;
    }
    for (let i = 0; i < R; i++) leaning[i] = sum[i]! / (weight[i]! + opinionStrength);
    sum.fill(0, 0, T);
    weight.fill(0, 0, T);
    for (let r = 0; r < n; r++) {
      if (!used(r)) continue;
      const p = leaning[raterOf[r]!]!;
      sum[thoughtOf[r]!]! += p * residual(r);
      weight[thoughtOf[r]!]! += p * p;
    }
    for (let t = 0; t < T; t++) loading[t] = sum[t]! / (weight[t]! + opinionStrength);
  }
  return { mean, used: count, effect, bias, leaning, loading, raterCount };
}

/** Folds for the axis test: 5, so each fit still sees four fifths of every thought's ratings. */
const AXIS_FOLDS = 5;

/** A rating's fold from who rated what, not from its position, so the order of input cannot matter. */
function foldOf(raterKey: string, thoughtId: string): number {
  let h = 2166136261;
  const key = `${raterKey}\u0000${thoughtId}`;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % AXIS_FOLDS;
}

/**
 * Whether the opinion axis predicts ratings it was not fitted on better than the additive model
 * does (k-fold cross-validation, squared error). The ridge alone keeps an axis wherever the
 * sample's shared pattern beats it, and at eight to fifteen ratings per thought noise has such a
 * pattern too: on a conversation without real camps (the affordable-housing replays) the axis
 * then re-weights ratings by noise and costs the whole list's order; where camps are real
 * (vTaiwan's Uber debate) it predicts held-out votes better and is kept. Ties keep no axis.
 */
function axisPredictsBetter(data: Encoded, options: FitOptions, ratings: readonly RatingInput[]): boolean {
  const n = data.stars.length;
  const fold = new Uint8Array(n);
  for (let r = 0; r < n; r++) fold[r] = foldOf(ratings[r]!.raterKey, ratings[r]!.thoughtId);
  const use = new Uint8Array(n);
  let withAxis = 0;
  let without = 0;
  for (let f = 0; f < AXIS_FOLDS; f++) {
    for (let r = 0; r < n; r++) use[r] = fold[r] === f ? 0 : 1;
    const axis = fitModel(data, options, use);
    const additive = fitModel(data, { ...options, opinionStrength: false }, use);
    for (let r = 0; r < n; r++) {
      if (use[r] === 1) continue;
      withAxis += (data.stars[r]! - predict(axis, data, r)) ** 2;
      without += (data.stars[r]! - predict(additive, data, r)) ** 2;
    }
  }
  return withAxis < without;
}

function predict(model: Fit, data: Encoded, r: number): number {
  const t = data.thoughtOf[r]!;
  const i = data.raterOf[r]!;
  return model.mean + model.effect[t]! + model.bias[i]! + model.leaning[i]! * model.loading[t]!;
}

/**
 * O(ratings × iterations), times 2 × 5 + 1 fits with `selectAxis`. The cost is the two key
 * lookups per rating and the sweeps over typed arrays, so 250,000 ratings stay within seconds.
 */
export function estimateRaterBias(
  ratings: readonly RatingInput[],
  {
    raterStrength = DEFAULT_RATER_STRENGTH,
    thoughtStrength = DEFAULT_THOUGHT_STRENGTH,
    opinionStrength = DEFAULT_OPINION_STRENGTH,
    iterations = DEFAULT_BIAS_ITERATIONS,
    selectAxis = true,
  }: RaterBiasOptions = {},
): RaterBiasEstimate {
  const data = encode(ratings);
  const options: FitOptions = { raterStrength, thoughtStrength, opinionStrength, iterations };
  const keepAxis = opinionStrength !== false && (!selectAxis || axisPredictsBetter(data, options, ratings));
  const {
    bias,
    leaning,
    loading,
    raterCount,
    used: n,
  } = fitModel(data, keepAxis ? options : { ...options, opinionStrength: false });
  const { thoughtOf, raterOf, stars, thoughtKeys, raterKeys } = data;
  const T = thoughtKeys.length;
  const R = raterKeys.length;

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
    bias: new Map(raterKeys.map((key, i) => [key, bias[i]!])),
    leaning: new Map(raterKeys.map((key, i) => [key, (leaning[i]! - meanLeaning) * typicalLoading])),
    thoughts: new Map(thoughtKeys.map((key, i) => [key, moments[i]!])),
  };
}

/** Just the per-thought adjusted moments: what rankings need. */
export function adjustedThoughtMoments(
  ratings: readonly RatingInput[],
  options?: RaterBiasOptions,
): ReadonlyMap<string, Moments> {
  return estimateRaterBias(ratings, options).thoughts;
}
