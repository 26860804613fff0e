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
import { type AdaptivePolicy, pickAdaptiveBatch } from "../functions/domain/adaptive.js";
import {
  buildContenderSnapshot,
  type ContenderSnapshot,
  pickWithSnapshot,
} from "../functions/domain/contender-snapshot.js";
import { pickBatch, shuffle } from "../functions/domain/distributor.js";
import {
  estimateRaterBias,
  type RaterBiasOptions,
  type RatingInput,
} from "../functions/domain/rater-bias.js";
import type { Histogram, Moments } from "../functions/domain/statistics.js";
import { createRng, type Rng } from "../functions/lib/random.js";

export interface TruthModel {
  readonly centre: number;
  readonly signal: number;
  readonly biasSd: number;
  readonly noiseSd: number;
  readonly skipRate: number;
}

export const defaultTruth: TruthModel = { centre: 3.3, signal: 0.6, biasSd: 0.4, noiseSd: 1, skipRate: 0.05 };

export type Method = "random" | "balanced" | "adaptive";

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

interface RaterState {
  readonly index: number;
  readonly seen: Set<string>;
  open: number[];
  rated: number;
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
      ratings.push({ thoughtId: `t${t}`, raterKey: `r${r}`, stars: s });
    }
    histograms.push(h);
  }
  return { quality, histograms, counts, late: quality.map(() => false), ratings };
}

export function simulate(options: SimulationOptions): SimulationResult {
  const { thoughts: T, raters: R, budget, method } = options;
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? 20;
  const truth = options.truth ?? defaultTruth;
  // The population depends on the seed only, so methods are compared on the very same people.
  const { world, quality, bias } = population(options.seed, T, R, truth);
  const lateCount = Math.round((options.lateShare ?? 0) * T);
  const lateSet = new Set(shuffle([...Array(T).keys()], world.next).slice(0, lateCount));
  const late = quality.map((_, i) => lateSet.has(i));
  const order = shuffle([...Array(R).keys()], world.next);
  const rng = createRng(options.seed * 7919 + method.length);

  let finished = 0;
  let arrived = 0;
  const active: RaterState[] = [];

  // One mutable candidate per thought, updated in place: the pickers only read them.
  const everyone = quality.map((_, i) => ({
    id: `t${i}`,
    exposure: 0,
    authorKey: i < R ? `r${i}` : "nobody",
    histogram: [0, 0, 0, 0, 0] as [number, number, number, number, number],
    adjusted: undefined as { count: number; sum: number; sumSquares: number } | undefined,
  }));
  const ratings: RatingInput[] = [];
  const adjusting = options.biasAdjusted !== undefined && method === "adaptive";
  let biasOf: ReadonlyMap<string, number> = new Map();
  let estimatedAt = 0;
  const refreshBias = () => {
    if (!adjusting || ratings.length < estimatedAt * 1.05 + 20) return;
    const estimate = estimateRaterBias(ratings, options.biasAdjusted);
    biasOf = estimate.bias;
    estimatedAt = ratings.length;
    for (const c of everyone) {
      const m: Moments | undefined = estimate.thoughts.get(c.id);
      c.adjusted = m && { ...m };
    }
  };
  let visible = everyone.filter((_, i) => !late[i]);
  let snapshot: ContenderSnapshot | undefined;
  let snapshotAt = Number.NEGATIVE_INFINITY;
  const viaSnapshot = (input: {
    seen: Set<string>;
    authorKey: string;
    size: number;
    random: () => number;
  }) => {
    if (ratings.length - snapshotAt >= options.snapshotEvery!) {
      // Copies: the candidates change in place, a stored snapshot does not.
      snapshot = buildContenderSnapshot(visible.map((c) => ({ ...c, histogram: [...c.histogram] })));
      snapshotAt = ratings.length;
    }
    const pageMinRatings = Math.min(...visible.map((c) => c.histogram.reduce((s, x) => s + x, 0)));
    return pickWithSnapshot({
      ...input,
      snapshot,
      page: visible,
      pageMinRatings,
      policy: options.policy ?? {},
    }).chosen;
  };

  const choose = (rater: RaterState, size: number): number[] => {
    const authorKey = `r${rater.index}`;
    const input = { candidates: visible, seen: rater.seen, authorKey, size, random: rng.next };
    refreshBias();
    const picked =
      method === "balanced"
        ? pickBatch(input)
        : method === "adaptive"
          ? options.snapshotEvery !== undefined
            ? viaSnapshot(input)
            : pickAdaptiveBatch({ ...input, policy: options.policy ?? {} })
          : shuffle(
              visible.filter((c) => c.authorKey !== authorKey && !rater.seen.has(c.id)),
              rng.next,
            ).slice(0, size);
    return picked.map((c) => Number(c.id.slice(1)));
  };

  const rate = (rater: RaterState, thought: number) => {
    if (rng.next() < truth.skipRate) {
      everyone[thought]!.exposure--;
      return;
    }
    const given = stars(truth, quality[thought]!, bias[rater.index]!, rng);
    const candidate = everyone[thought]!;
    candidate.histogram[given - 1]!++;
    ratings.push({ thoughtId: candidate.id, raterKey: `r${rater.index}`, stars: given });
    if (adjusting) {
      const x = given - (biasOf.get(`r${rater.index}`) ?? 0);
      candidate.adjusted ??= { count: 0, sum: 0, sumSquares: 0 };
      const m = candidate.adjusted;
      m.count++;
      m.sum += x;
      m.sumSquares += x * x;
    }
    rater.rated++;
  };

  while (active.length > 0 || arrived < R) {
    while (active.length < concurrency && arrived < R) {
      active.push({ index: order[arrived++]!, seen: new Set(), open: [], rated: 0 });
    }
    const slot = rng.int(active.length);
    const rater = active[slot]!;
    let done = false;
    if (rater.open.length > 0) {
      for (const thought of rater.open) rate(rater, thought);
      rater.open = [];
      done = rater.rated >= budget;
    } else {
      const picked = choose(rater, Math.min(batchSize, budget - rater.rated));
      for (const thought of picked) {
        everyone[thought]!.exposure++;
        rater.seen.add(everyone[thought]!.id);
      }
      rater.open = picked;
      done = picked.length === 0; // nothing left to offer this rater
    }
    if (done) {
      active[slot] = active[active.length - 1]!;
      active.pop();
      if (++finished === Math.ceil(R / 2)) visible = everyone;
    }
  }
  const histograms: Histogram[] = everyone.map((c) => c.histogram);
  const counts = histograms.map((h) => h.reduce((s, x) => s + x, 0));
  return { quality, histograms, counts, late, ratings };
}
