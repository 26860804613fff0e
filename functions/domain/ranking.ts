/**
 * DESIGN §5: the published ranking, from a conversation's thoughts and individual ratings. One
 * function, so the report (report/compute.ts) and the ranking benchmarks (bench:ranking,
 * bench:replay) rank the very same way.
 */
import { estimateRaterBias, type RaterBiasOptions, type RatingInput } from "./rater-bias.js";
import {
  DEFAULT_PRIOR_STRENGTH,
  type Histogram,
  histogramMoments,
  type Moments,
  momentsPrior,
  type Prior,
  type Ranked,
  type RatedThought,
  rankThoughts,
} from "./statistics.js";

export interface RankingOptions {
  /** The Bayesian average's prior strength C. */
  readonly priorStrength?: number;
  /** Rater-bias adjustment (rater-bias.ts), or false for the plain Bayesian average of raw stars. */
  readonly raterBias?: RaterBiasOptions | false;
}

export interface PublishedRanking<T extends { id: string; histogram: Histogram }> {
  readonly prior: Prior;
  /** Best first. */
  readonly ranked: Ranked<T & RatedThought>[];
  /** The moments each score comes from: bias-adjusted when the adjustment is on, else raw stars. */
  readonly momentsOf: (id: string) => Moments;
  /** Each rater's estimated generosity in stars (0 for everyone when the adjustment is off). */
  readonly biasOf: (raterKey: string) => number;
}

export function publishedRanking<T extends { id: string; histogram: Histogram }>(
  thoughts: readonly T[],
  ratings: readonly RatingInput[],
  { priorStrength = DEFAULT_PRIOR_STRENGTH, raterBias = {} }: RankingOptions = {},
): PublishedRanking<T> {
  const histograms = new Map(thoughts.map((t) => [t.id, t.histogram]));
  const raw = (id: string) => histogramMoments(histograms.get(id) ?? [0, 0, 0, 0, 0]);
  const estimate =
    raterBias === false
      ? undefined
      : estimateRaterBias(ratings, { thoughtStrength: priorStrength, ...raterBias });
  // A thought with no ratings in `ratings` (none yet) falls back to its raw histogram.
  const momentsOf = (id: string) => estimate?.thoughts.get(id) ?? raw(id);
  const biasOf = (raterKey: string) => estimate?.bias.get(raterKey) ?? 0;
  const prior = momentsPrior(
    thoughts.map((t) => momentsOf(t.id)),
    priorStrength,
  );
  const ranked = rankThoughts(
    thoughts.map((t) => ({ ...t, adjusted: momentsOf(t.id) })),
    prior,
  );
  return { prior, ranked, momentsOf, biasOf };
}
