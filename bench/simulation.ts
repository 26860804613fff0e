/**
 * A rating round with known truth, shared by the ranking benchmark and the fairness unit test.
 *
 * Truth model (why it looks like this):
 * - Each thought has a true quality q ~ N(0, 1) on a latent scale. A rater r has a bias b_r ~ N(0, 0.4)
 *   (some people are generous, some stingy) and every rating has its own noise ε ~ N(0, 1): two
 *   people reading the same thought differ by about a star, which is what real 1–5 star data shows.
 * - stars = clamp(round(3.3 + 0.6·q + b_r + ε), 1, 5): true thought means spread by about half a
 *   star around a slightly positive centre, so the signal is real but a single rating is mostly noise.
 * - 5% of offered thoughts are skipped (at random, not by quality); skips free the exposure.
 * - Raters arrive in random order, 20 at a time are active; a rater takes a batch, rates it later
 *   (the open assignments count as exposure meanwhile), and asks again until reaching the budget.
 *   Rater i wrote thought i and is never offered it.
 * - Late thoughts: a share of thoughts only becomes visible once half the raters have finished.
 * - snapshotEvery (adaptive only): the picker runs as the API runs it (domain/contender-snapshot.ts):
 *   the contenders, prior and floor numbers come from a snapshot recomputed every so many landed
 *   ratings, as the scheduler recomputes it every minute; only exposures are live.
 * - biasAdjusted (adaptive only): the picker sees rater-bias-adjusted moments, as an API could
 *   keep them: every rating is adjusted by the current bias estimate when it lands, and the
 *   estimate is redone from all ratings whenever they have grown by a twentieth. It never sees
 *   the true biases.
 */
import type { AdaptivePolicy } from "../functions/domain/adaptive.js";
import { shuffle } from "../functions/domain/distributor.js";
import type { RaterBiasOptions, RatingInput } from "../functions/domain/rater-bias.js";
import type { Histogram } from "../functions/domain/statistics.js";
import { createRng, type Rng } from "../functions/lib/random.js";
import { type Method, playRound, raterKey, thoughtKey } from "./round.js";

export type { Method } from "./round.js";

export interface TruthModel {
  readonly centre: number;
  readonly signal: number;
  readonly biasSd: number;
  readonly noiseSd: number;
  readonly skipRate: number;
}

export const defaultTruth: TruthModel = { centre: 3.3, signal: 0.6, biasSd: 0.4, noiseSd: 1, skipRate: 0.05 };

export interface SimulationOptions {
  readonly thoughts: number;
  readonly raters: number;
  /** Ratings per person. */
  readonly budget: number;
  readonly method: Method;
  readonly seed: number;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** Share of thoughts that appear only after half the raters have finished. */
  readonly lateShare?: number;
  readonly truth?: TruthModel;
  readonly policy?: Partial<AdaptivePolicy>;
  /** Feed the adaptive picker from the API's snapshot, recomputed every this many ratings. */
  readonly snapshotEvery?: number;
  /** Give the adaptive picker rater-bias-adjusted moments, estimated with these options. */
  readonly biasAdjusted?: RaterBiasOptions;
}

export interface SimulationResult {
  /** True latent quality per thought. */
  readonly quality: readonly number[];
  readonly histograms: readonly Histogram[];
  readonly counts: readonly number[];
  readonly late: readonly boolean[];
  /** Every rating, in the order it landed: what the report's bias adjustment reads. */
  readonly ratings: readonly RatingInput[];
}

/** The seed's people: true qualities and rater biases, the same whatever assigns the ratings. */
function population(seed: number, thoughts: number, raters: number, truth: TruthModel) {
  const world = createRng(seed);
  const quality = Array.from({ length: thoughts }, () => world.normal());
  const bias = Array.from({ length: raters }, () => world.normal() * truth.biasSd);
  return { world, quality, bias };
}

function stars(truth: TruthModel, quality: number, bias: number, rng: Rng): number {
  const latent = truth.centre + truth.signal * quality + bias + truth.noiseSd * rng.normal();
  return Math.min(5, Math.max(1, Math.round(latent)));
}

/**
 * A reference, not a distributor: an oracle that knows every thought's true quality gives the
 * true top `band` thoughts `cap` × the mean ratings, as many as the fairness bar allows, and
 * spreads the rest of the budget evenly. Nothing that only sees ratings can aim better, so its
 * precision is about the ceiling the 3× cap leaves at this signal-to-noise.
 */
export function simulateOracle(options: {
  readonly thoughts: number;
  readonly raters: number;
  readonly budget: number;
  readonly seed: number;
  readonly band: number;
  readonly cap: number;
  readonly truth?: TruthModel;
}): SimulationResult {
  const { thoughts: T, raters: R, budget, band } = options;
  const truth = options.truth ?? defaultTruth;
  const { quality, bias } = population(options.seed, T, R, truth);
  const rng = createRng(options.seed * 7919 + 6);
  const total = R * budget;
  const high = Math.floor((options.cap * total) / T);
  const rest = Math.floor((total - band * high) / (T - band));
  const byQuality = quality.map((_, i) => i).sort((a, b) => quality[b]! - quality[a]!);
  const counts = new Array<number>(T).fill(rest);
  for (const t of byQuality.slice(0, band)) counts[t] = high;
  const histograms: Histogram[] = [];
  const ratings: RatingInput[] = [];
  for (let t = 0; t < T; t++) {
    const h: [number, number, number, number, number] = [0, 0, 0, 0, 0];
    // Distinct raters, never the author (rater t wrote thought t).
    const raters = shuffle(
      [...Array(R).keys()].filter((r) => r !== t),
      rng.next,
    ).slice(0, counts[t]);
    for (const r of raters) {
      const s = stars(truth, quality[t]!, bias[r]!, rng);
      h[s - 1]!++;
      ratings.push({ thoughtId: thoughtKey(t), raterKey: raterKey(r), stars: s });
    }
    histograms.push(h);
  }
  return { quality, histograms, counts, late: quality.map(() => false), ratings };
}

export function simulate(options: SimulationOptions): SimulationResult {
  const { thoughts: T, raters: R, method } = options;
  const truth = options.truth ?? defaultTruth;
  // The population depends on the seed only, so methods are compared on the very same people.
  const { world, quality, bias } = population(options.seed, T, R, truth);
  const lateCount = Math.round((options.lateShare ?? 0) * T);
  const lateSet = new Set(shuffle([...Array(T).keys()], world.next).slice(0, lateCount));
  const late = quality.map((_, i) => lateSet.has(i));
  const order = shuffle([...Array(R).keys()], world.next);
  const round = playRound(
    {
      thoughts: T,
      raters: R,
      // Rater i wrote thought i.
      authorOf: (t) => (t < R ? t : undefined),
      respond: (rater, thought, rng) =>
        rng.next() < truth.skipRate ? "skip" : stars(truth, quality[thought]!, bias[rater]!, rng),
      order,
      late,
    },
    {
      budget: options.budget,
      method,
      rng: createRng(options.seed * 7919 + method.length),
      ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      ...(options.policy && { policy: options.policy }),
      ...(options.snapshotEvery !== undefined && { snapshotEvery: options.snapshotEvery }),
      ...(options.biasAdjusted && { biasAdjusted: options.biasAdjusted }),
    },
  );
  return { quality, late, ...round };
}
