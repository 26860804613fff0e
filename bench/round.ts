/**
 * One rating round as a conversation runs it, for the ranking benchmarks: raters arrive, ask for
 * batches, rate them later, ask again until they reach the budget. Who answers what is the
 * world's business (bench/simulation.ts draws stars from a truth model, bench/replay.ts looks up
 * real Pol.is votes); who is offered what is the domain code the API runs:
 * - "balanced": pickBatch (functions/domain/distributor.ts), least exposure first;
 * - "adaptive": pickAdaptiveBatch (functions/domain/adaptive.ts), or with `snapshotEvery` the
 *   API's own path (functions/domain/contender-snapshot.ts): contenders, prior and floor from a
 *   snapshot recomputed every so many landed ratings, as the scheduler recomputes it every
 *   minute; only exposures are live;
 * - "random": uniform random assignment among unseen thoughts, the baseline.
 * A skip frees the exposure, marks the thought seen and does not count towards the budget, as in
 * the API. Open assignments count as exposure until they are rated.
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
import type { Rng } from "../functions/lib/random.js";

export type Method = "random" | "balanced" | "adaptive";

/** The people and what they would answer. Thoughts are `t<index>`, raters `r<index>`. */
export interface RoundWorld {
  readonly thoughts: number;
  readonly raters: number;
  /** The rater index who wrote a thought (never offered it), or undefined for nobody in the round. */
  readonly authorOf: (thought: number) => number | undefined;
  /** Stars 1..5, or "skip". May draw from rng (the round's own stream). */
  readonly respond: (rater: number, thought: number, rng: Rng) => number | "skip";
  /** Raters' indices in arrival order. */
  readonly order: readonly number[];
  /** Thoughts that become visible only once half the raters have finished. */
  readonly late?: readonly boolean[];
}

export interface RoundOptions {
  /** Ratings per person. */
  readonly budget: number;
  readonly method: Method;
  readonly rng: Rng;
  readonly batchSize?: number;
  /** Raters active at once (each with a batch open). */
  readonly concurrency?: number;
  readonly policy?: Partial<AdaptivePolicy>;
  /** Feed the adaptive picker from the API's snapshot, recomputed every this many ratings. */
  readonly snapshotEvery?: number;
  /**
   * Give the adaptive picker (without a snapshot) rater-bias-adjusted moments, as an API could
   * keep them: each rating adjusted by the current estimate when it lands, the estimate redone
   * whenever the ratings have grown by a twentieth.
   */
  readonly biasAdjusted?: RaterBiasOptions;
}

export interface RoundResult {
  readonly histograms: readonly Histogram[];
  readonly counts: readonly number[];
  /** Every rating, in the order it landed: what the report's ranking reads. */
  readonly ratings: readonly RatingInput[];
}

interface RaterState {
  readonly index: number;
  readonly seen: Set<string>;
  open: number[];
  rated: number;
}

/** Zero-padded, so that the rankings' last tie-break (the id) follows the index, as numbers do. */
export const thoughtKey = (thought: number) => `t${String(thought).padStart(6, "0")}`;
export const raterKey = (rater: number) => `r${rater}`;

export function playRound(world: RoundWorld, options: RoundOptions): RoundResult {
  const { budget, method, rng } = options;
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? 20;
  const R = world.order.length;
  const late = world.late ?? [];

  // One mutable candidate per thought, updated in place: the pickers only read them.
  const everyone = Array.from({ length: world.thoughts }, (_, i) => {
    const author = world.authorOf(i);
    return {
      id: thoughtKey(i),
      exposure: 0,
      authorKey: author === undefined ? "nobody" : raterKey(author),
      histogram: [0, 0, 0, 0, 0] as [number, number, number, number, number],
      adjusted: undefined as { count: number; sum: number; sumSquares: number } | undefined,
    };
  });
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
      snapshot = buildContenderSnapshot(
        visible.map((c) => ({ ...c, histogram: [...c.histogram] })),
        undefined,
        options.policy,
      );
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
    const authorKey = raterKey(rater.index);
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
    const given = world.respond(rater.index, thought, rng);
    const candidate = everyone[thought]!;
    if (given === "skip") {
      candidate.exposure--;
      return;
    }
    candidate.histogram[given - 1]!++;
    ratings.push({ thoughtId: candidate.id, raterKey: raterKey(rater.index), stars: given });
    if (adjusting) {
      const x = given - (biasOf.get(raterKey(rater.index)) ?? 0);
      candidate.adjusted ??= { count: 0, sum: 0, sumSquares: 0 };
      const m = candidate.adjusted;
      m.count++;
      m.sum += x;
      m.sumSquares += x * x;
    }
    rater.rated++;
  };

  let finished = 0;
  let arrived = 0;
  const active: RaterState[] = [];
  while (active.length > 0 || arrived < R) {
    while (active.length < concurrency && arrived < R) {
      active.push({ index: world.order[arrived++]!, seen: new Set(), open: [], rated: 0 });
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
  return { histograms, counts, ratings };
}
