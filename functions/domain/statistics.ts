/**
 * DESIGN §5: rating statistics from star histograms. Pure, so the report, the adaptive distributor
 * and the ranking benchmark compute the very same numbers.
 *
 * Formulas (each is a choice; the reasons sit beside the code):
 * - score: Bayesian average (C·m + Σx) / (C + n), m = conversation mean, C = prior strength.
 * - ci: 95% normal interval on the score. Its variance pools the thought's own ratings with C
 *   pseudo-ratings that have the conversation's mean and variance, so n = 0 and n = 1 give wide,
 *   finite intervals and the interval narrows as ratings come in. Clamped to the 1–5 scale.
 * - agreement: 1 − sd / 2 over the thought's own ratings (population sd; 2 is the largest sd
 *   possible on 1–5 stars), so 1 = everyone gave the same stars, 0 = half 1s and half 5s.
 * - polarization: 2 · min(low, high), where low = share of 1s + half the share of 2s, high = share
 *   of 5s + half the share of 4s. It rises only when opposing camps are both present and strong.
 *
 * Score and ci may instead come from rater-bias-adjusted moments (rater-bias.ts), passed as
 * `adjusted`; count, mean, histogram, agreement and polarization always describe the raw stars.
 */

/** Counts of 1, 2, 3, 4 and 5 stars. */
export type Histogram = readonly [number, number, number, number, number];

/** How the thought repository stores a histogram. */
export type HistogramRecord = Partial<Readonly<Record<"1" | "2" | "3" | "4" | "5", number>>>;

/**
 * C = 5. The best C is (rating noise variance) / (variance of true thought means): raters reading
 * the same thought differ by about 1.1 stars, while thoughts' true means spread by about half a
 * star, so 1.1² / 0.5² ≈ 5. In words: a thought needs five ratings before its own mean outweighs
 * the conversation's; at the default target (20 ratings per person, about one thought each, so
 * about 20 ratings per thought) the prior keeps a fifth of the weight, enough to stop a lucky
 * handful of 5s from topping the list, not enough to flatten real differences.
 */
export const DEFAULT_PRIOR_STRENGTH = 5;
/** 95% two-sided normal quantile. */
export const CI_Z = 1.96;

/** Before anyone rated: the scale's midpoint and the variance of uniformly random stars. */
const NEUTRAL_MEAN = 3;
const NEUTRAL_VARIANCE = 2;
const MAX_SD = 2;

export interface Prior {
  readonly mean: number;
  readonly variance: number;
  readonly strength: number;
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface ThoughtStats {
  readonly count: number;
  /** Raw mean of the thought's own ratings; null while unrated. */
  readonly mean: number | null;
  readonly histogram: Histogram;
  /** Bayesian average: what rankings use, never the raw mean. */
  readonly score: number;
  readonly ci: Interval;
  readonly agreement: number;
  readonly polarization: number;
}

export const emptyHistogram: Histogram = [0, 0, 0, 0, 0];

export function histogramFromRecord(record: HistogramRecord | undefined): Histogram {
  const at = (stars: "1" | "2" | "3" | "4" | "5") => Number(record?.[stars] ?? 0);
  return [at("1"), at("2"), at("3"), at("4"), at("5")];
}

export function addHistograms(histograms: Iterable<Histogram>): Histogram {
  const total = [0, 0, 0, 0, 0];
  for (const h of histograms) for (let i = 0; i < 5; i++) total[i]! += h[i]!;
  return total as unknown as Histogram;
}

/** Count, Σx and Σx² of a thought's ratings: all the score and its interval need. */
export interface Moments {
  readonly count: number;
  readonly sum: number;
  readonly sumSquares: number;
}

export function addMoments(all: Iterable<Moments>): Moments {
  let count = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const m of all) {
    count += m.count;
    sum += m.sum;
    sumSquares += m.sumSquares;
  }
  return { count, sum, sumSquares };
}

export function histogramMoments(h: Histogram): Moments {
  let count = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < 5; i++) {
    const stars = i + 1;
    count += h[i]!;
    sum += h[i]! * stars;
    sumSquares += h[i]! * stars * stars;
  }
  return { count, sum, sumSquares };
}

/** Mean of every rating in the conversation: the m that unrated and lightly rated thoughts shrink to. */
export function conversationMean(histograms: Iterable<Histogram>): number {
  return conversationPrior(histograms).mean;
}

/**
 * The prior every thought shrinks to. Its variance is that of all ratings pooled: slightly wider
 * than the within-thought noise, so early intervals err on the side of humility.
 */
export function conversationPrior(
  histograms: Iterable<Histogram>,
  strength: number = DEFAULT_PRIOR_STRENGTH,
): Prior {
  return momentsPrior([histogramMoments(addHistograms(histograms))], strength);
}

/** The same prior from per-thought moments, e.g. bias-adjusted ones. */
export function momentsPrior(thoughts: Iterable<Moments>, strength: number = DEFAULT_PRIOR_STRENGTH): Prior {
  const { count: n, sum, sumSquares } = addMoments(thoughts);
  if (n === 0) return { mean: NEUTRAL_MEAN, variance: NEUTRAL_VARIANCE, strength };
  const mean = sum / n;
  // One rating (or all alike) says nothing about spread: keep a floor so intervals never collapse.
  const variance = Math.max(sumSquares / n - mean * mean, n > 1 ? 0.25 : NEUTRAL_VARIANCE);
  return { mean, variance, strength };
}

/**
 * Bayesian score and its interval: the part of thoughtStats that rankings and the adaptive picker
 * need. From `adjusted` moments when given, else from the histogram.
 */
export function scoreInterval(
  histogram: Histogram,
  prior: Prior,
  z: number = CI_Z,
  adjusted?: Moments,
): { score: number } & Interval {
  const { count: n, sum, sumSquares } = adjusted ?? histogramMoments(histogram);
  const c = prior.strength;
  const weight = c + n;
  if (weight <= 0) return { score: prior.mean, low: 1, high: 5 };
  // A no-op on raw stars; adjusted ones (a stingy rater's 5 counts as more) may leave the scale.
  const score = Math.min(5, Math.max(1, (c * prior.mean + sum) / weight));
  // Variance of the pooled sample: C pseudo-ratings (mean m, variance σ0²) plus the real ratings.
  const pooledSquares = c * (prior.variance + prior.mean * prior.mean) + sumSquares;
  const variance = Math.max(pooledSquares / weight - score * score, 0);
  const halfWidth = z * Math.sqrt(variance / weight);
  return { score, low: Math.max(1, score - halfWidth), high: Math.min(5, score + halfWidth) };
}

export function thoughtStats(
  histogram: Histogram,
  prior: Prior,
  z: number = CI_Z,
  adjusted?: Moments,
): ThoughtStats {
  const { count: n, sum, sumSquares } = histogramMoments(histogram);
  const { score, low: ciLow, high: ciHigh } = scoreInterval(histogram, prior, z, adjusted);
  const ci = { low: ciLow, high: ciHigh };
  if (n === 0) return { count: 0, mean: null, histogram, score, ci, agreement: 0, polarization: 0 };

  const mean = sum / n;
  const sd = Math.sqrt(Math.max(sumSquares / n - mean * mean, 0));
  const low = (histogram[0] + histogram[1] / 2) / n;
  const high = (histogram[4] + histogram[3] / 2) / n;
  return {
    count: n,
    mean,
    histogram,
    score,
    ci,
    agreement: clamp01(1 - sd / MAX_SD),
    polarization: clamp01(2 * Math.min(low, high)),
  };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

export interface RatedThought {
  readonly id: string;
  readonly histogram: Histogram;
  /** Rater-bias-adjusted moments: when present, score and interval come from them. */
  readonly adjusted?: Moments;
}

export type Ranked<T extends RatedThought> = T & { readonly stats: ThoughtStats };

/**
 * Best first by Bayesian score. Ties (common: every unrated thought scores m) go to the narrower
 * interval's lower bound, then to more ratings, then to the id, so a ranking never depends on the
 * order the thoughts were read in.
 */
export function compareRanked(a: Ranked<RatedThought>, b: Ranked<RatedThought>): number {
  return (
    b.stats.score - a.stats.score ||
    b.stats.ci.low - a.stats.ci.low ||
    b.stats.count - a.stats.count ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function rankThoughts<T extends RatedThought>(thoughts: readonly T[], prior: Prior): Ranked<T>[] {
  return thoughts
    .map((t) => ({ ...t, stats: thoughtStats(t.histogram, prior, CI_Z, t.adjusted) }))
    .sort(compareRanked);
}

export interface ListOptions {
  /** Fewer ratings than this say too little about spread to call a thought either. */
  readonly minCount?: number;
  readonly limit?: number;
}

/**
 * High score and high agreement: above the conversation mean, and agreement ≥ 0.6 (sd ≤ 0.8
 * star, roughly "most raters within a star of each other"). Best first.
 */
export function consensusThoughts<T extends RatedThought>(
  ranked: readonly Ranked<T>[],
  prior: Prior,
  { minCount = 5, limit = 10, minAgreement = 0.6 }: ListOptions & { minAgreement?: number } = {},
): Ranked<T>[] {
  return [...ranked]
    .sort(compareRanked)
    .filter(
      (t) => t.stats.count >= minCount && t.stats.score > prior.mean && t.stats.agreement >= minAgreement,
    )
    .slice(0, limit);
}

/** Split opinion: polarization ≥ 0.4 (e.g. a fifth of raters at each extreme), most divided first. */
export function polarizingThoughts<T extends RatedThought>(
  ranked: readonly Ranked<T>[],
  { minCount = 5, limit = 10, minPolarization = 0.4 }: ListOptions & { minPolarization?: number } = {},
): Ranked<T>[] {
  return ranked
    .filter((t) => t.stats.count >= minCount && t.stats.polarization >= minPolarization)
    .sort(
      (a, b) =>
        b.stats.polarization - a.stats.polarization ||
        b.stats.count - a.stats.count ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .slice(0, limit);
}

export interface Coverage {
  readonly thoughts: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly mean: number;
}

/** How evenly ratings spread over thoughts (DESIGN §8 fairness: min and max against the mean). */
export function coverage(counts: readonly number[]): Coverage {
  if (counts.length === 0) return { thoughts: 0, min: 0, median: 0, max: 0, mean: 0 };
  const sorted = [...counts].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const mean = sorted.reduce((s, c) => s + c, 0) / sorted.length;
  return { thoughts: sorted.length, min: sorted[0]!, median, max: sorted[sorted.length - 1]!, mean };
}

export interface GroupStats extends ThoughtStats {
  readonly thoughts: number;
  /**
   * Unweighted mean of the members' Bayesian scores. The pooled score weights each thought by its
   * ratings, and adaptive distribution gives top-k contenders more of them; this one does not.
   */
  readonly meanScore: number;
}

/**
 * A theme or any other group of thoughts: the pooled histogram's stats plus the mean member score.
 * With `adjusted` (one entry per histogram), scores come from bias-adjusted moments, as in rankThoughts.
 */
export function groupStats(
  histograms: readonly Histogram[],
  prior: Prior,
  adjusted?: readonly Moments[],
): GroupStats {
  const pooled = thoughtStats(addHistograms(histograms), prior, CI_Z, adjusted && addMoments(adjusted));
  const scores = histograms.map((h, i) => scoreInterval(h, prior, CI_Z, adjusted?.[i]).score);
  const meanScore = scores.length > 0 ? scores.reduce((s, x) => s + x, 0) / scores.length : prior.mean;
  return { ...pooled, thoughts: histograms.length, meanScore };
}

export interface Findings<T extends RatedThought> {
  readonly prior: Prior;
  readonly ranked: Ranked<T>[];
  readonly consensus: Ranked<T>[];
  readonly polarizing: Ranked<T>[];
  readonly coverage: Coverage;
}

/** Everything §5 asks per conversation (or per segment: pass that segment's histograms). */
export function findings<T extends RatedThought>(
  thoughts: readonly T[],
  { priorStrength = DEFAULT_PRIOR_STRENGTH, ...lists }: ListOptions & { priorStrength?: number } = {},
): Findings<T> {
  const prior = conversationPrior(
    thoughts.map((t) => t.histogram),
    priorStrength,
  );
  const ranked = rankThoughts(thoughts, prior);
  return {
    prior,
    ranked,
    consensus: consensusThoughts(ranked, prior, lists),
    polarizing: polarizingThoughts(ranked, lists),
    coverage: coverage(ranked.map((t) => t.stats.count)),
  };
}
