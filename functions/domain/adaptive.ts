/**
 * DESIGN §4, adaptive part: once every thought has a floor of ratings, part of each batch goes to
 * thoughts that may be on the wrong side of the top-k boundary (a posterior draw puts them across
 * it, the randomised form of "its interval straddles the line"), because those are the ratings
 * that can still change who is in the published top k. Everything else, and everything before
 * the floor, is exactly pickBatch: least exposure first, random among ties. Pure, like pickBatch.
 *
 * Uses only what the API knows (histograms, exposure, and optionally rater-bias-adjusted moments
 * estimated from the ratings themselves), never anything like true quality.
 */
import { type Candidate, type PickInput, pickBatch, shuffle } from "./distributor.js";
import {
  type Histogram,
  histogramMoments,
  type Interval,
  type Moments,
  momentsPrior,
  type Prior,
  scoreInterval,
} from "./statistics.js";

export interface RatedCandidate extends Candidate {
  /** The thought's ratings so far, 1..5 stars. */
  readonly histogram: Histogram;
  /**
   * Rater-bias-adjusted moments (rater-bias.ts): when present, the boundary and the intervals use
   * them. Counts, the floor and exposure always come from the histogram.
   */
  readonly adjusted?: Moments;
}

export interface AdaptivePolicy {
  /** Ratings every thought must have before any slot goes adaptive. */
  readonly floor: number;
  /**
   * ...and as a share of the mean ratings per thought. Adaptive slots stop whenever the least-rated
   * thought falls under it, so fairness (DESIGN §8: every thought ≥ 0.5× the mean) holds whatever
   * the budget, the share or late arrivals.
   */
  readonly relativeFloor: number;
  /** The size of the list the adaptive slots try to get right (the report's top list)... */
  readonly topK: number;
  /**
   * ...or this share of the thoughts when that is fewer: in a conversation of 40 thoughts a top-20
   * line is the middle of the list, and ratings spent there sharpen nothing a reader looks at
   * first (the report page leads with the top 10).
   */
  readonly topShare: number;
  /** Share of each batch that may go adaptively, 0..1. */
  readonly share: number;
  /**
   * Once thoughts hold more than this many ratings on average, the share shrinks as
   * plentyAt / mean ratings per thought (0: never). Ratings at the top-k line pay while thoughts
   * are thinly rated; once every thought has many, evenly spread ratings order the whole list
   * better (Spearman) than more at the line do.
   */
  readonly plentyAt: number;
  /** No thought is given adaptively once its exposure would pass cap × the mean exposure. */
  readonly cap: number;
  /** Width of the interval that decides "straddles", in standard errors (the report's is 1.96). */
  readonly z: number;
  /**
   * Which contenders the adaptive slots go to first. "straddle": every eligible thought whose
   * interval contains the boundary, least exposed first. "lucb": LUCB-style top-k identification
   * (Kalyanakrishnan et al. 2012): the current top-k member with the lowest lower bound and the
   * outsider with the highest upper bound, then their next neighbours, alternating; only thoughts
   * in the overlap of those two bounds, since outside it a rating cannot change the top k.
   * "thompson": one posterior draw per batch (score + standard error × N(0, 1) for every thought);
   * the thoughts the draw puts on the other side of the line than their score does, least exposed
   * first. A thought is then offered about as often as it may be misplaced, not only while its
   * interval holds the line.
   */
  readonly rule: "straddle" | "lucb" | "thompson";
}

/**
 * Tuned with bench/ranking.ts on seeds 101–124, not the ones it reports. The cap is what binds:
 * contenders end at 3× the mean, and floor/share variations within 5–10 and 0.5–1 move
 * precision@20 by about one standard error. 0.6 keeps a margin over the 0.5× fairness bar.
 * The LUCB rule was chosen against on seeds 101–106 (bar row P@20 0.717 vs 0.775 for "straddle").
 *
 * topShare and z come from replaying real Pol.is votes (bench:replay, tuning seeds 1001–1030,
 * issue 13). With the report's 95% interval every thought of a small conversation straddled the
 * line (three-level votes are noisy: ±0.8 stars at 16 ratings), so the adaptive slots spread
 * over half the list and bought nothing; a one-standard-error interval (z = 1) keeps them on the
 * few thoughts really at the line. Precision@10 against random assignment went from −0.04…+0.07
 * to +0.01…+0.09 over the 18 replayed cells, and the simulation kept its figure (P@20 0.762 vs
 * 0.770 on seeds 101–120, within one standard error). A smaller share (0.5) helped the replays'
 * Spearman a little and cost the simulation a sixth of its gain, so it stays 0.7.
 *
 * Re-read on both benches' full tuning seeds (bench/tune.ts; replays 1001–1050, simulation
 * 101–160): z 1.5 and 1.96 halve the replays' precision@10 gain (+0.052 → +0.034 / +0.026) and tie
 * on the simulation (+0.001 / +0.012 P@20, intervals across 0); a relative floor of 0.75 or 0.85,
 * a floor of 6 and a snapshot twice as fresh tie or lose on both. So nothing here changed.
 *
 * plentyAt (session 5, same tuning seeds; figures in docs/ranking.md): shrinking the share once
 * thoughts average more than 10 ratings brings the replays from 15 to 17 of 18 bar cells at or
 * above random (worst Spearman −0.009 → −0.006) for a third of the precision@10 gain (+0.052 →
 * +0.036, worst cell +0.005), and ties on the simulation (−0.005 P@20 [−0.023, +0.014]). Scaling
 * the share by the number of thoughts instead halved the precision@10 gain and was dropped.
 *
 * The rule and the share (session 6, tuning seeds replays 1001–1200, simulation 101–300; figures
 * in docs/ranking.md): "thompson" with every batch slot open to it (share 1) against "straddle"
 * at 0.7 brings the replays from 16 to 18 of 18 bar cells at or above random (worst Spearman
 * −0.001 → +0.001) and precision@10 +0.030 → +0.037, and the simulation's P@20 +0.014. A draw
 * rarely carries more than a few thoughts across the line, so the whole batch open to it still
 * spends most slots balanced; "straddle" offers every interval holding the line until the cap.
 *
 * The floor (session 7, same tuning seeds): 5 instead of 8. Thompson sampling offers a thought
 * only as often as a draw carries it across the line, so starting at five ratings each wastes
 * little where the straddle rule, which offered every wide interval, lost with a lower floor.
 * Replays: 18 of 18 cells either way, precision@10 +0.037 → +0.046 (the 80/8 cell, 6.9 ratings
 * per thought, never reached 8 and got no adaptive slot at all: +0.05 → +0.06), worst Spearman
 * +0.002 → +0.001; simulation P@20 +0.007 [−0.006, +0.020]. 6 read about the same (+0.044,
 * +0.005). The relative floor (0.6 × the mean) still keeps the fairness bar.
 */
export const defaultAdaptivePolicy: AdaptivePolicy = {
  floor: 5,
  relativeFloor: 0.6,
  topK: 20,
  topShare: 0.25,
  share: 1,
  plentyAt: 10,
  cap: 3,
  z: 1,
  rule: "thompson",
};

export interface AdaptivePickInput extends Omit<PickInput, "candidates"> {
  /**
   * Every visible thought of the conversation, the rater's own and seen ones included: the floor,
   * the top-k boundary and the mean exposure are properties of the whole conversation.
   */
  readonly candidates: readonly RatedCandidate[];
  readonly policy?: Partial<AdaptivePolicy>;
  /** The conversation prior; computed from the candidates' (adjusted) moments when absent. */
  readonly prior?: Prior;
  /**
   * When the candidates are only part of the conversation (the API reads a bounded slice, see
   * ranking-snapshot.ts): the conversation-wide floor decision and mean exposure, which the slice
   * alone would get wrong. The candidates must then include every thought near the top-k line.
   */
  readonly conversation?: {
    readonly floorReached: boolean;
    readonly meanExposure: number;
    /** Visible thoughts: what the top list's size follows (topShare). */
    readonly thoughts: number;
  };
  /**
   * Thoughts known only by their exposure (the API's least-exposed page): offered by the balanced
   * part like any candidate, never adaptively, and not part of the boundary.
   */
  readonly others?: readonly Candidate[];
}

/** Returns candidates and `others` entries as given (the very objects), adaptive ones mixed in. */
export function pickAdaptiveBatch(input: AdaptivePickInput): Candidate[] {
  const policy = effectivePolicy(input.policy, input.conversation?.thoughts ?? input.candidates.length);
  const { candidates, seen, authorKey, size, random } = input;
  // Known by exposure only, unless also a rated candidate (then the candidate's entry counts).
  const rated = new Set(candidates.map((c) => c.id));
  const pool: Candidate[] = [...candidates, ...(input.others ?? []).filter((c) => !rated.has(c.id))];
  const balanced = (from: readonly Candidate[], n: number) =>
    pickBatch({ candidates: from, seen, authorKey, size: n, random });

  const reached = input.conversation
    ? input.conversation.floorReached
    : floorReached(candidates, policy.floor, policy.relativeFloor);
  if (size <= 0 || !reached) return balanced(pool, size);

  const slots = adaptiveSlots(size, scaledShare(input, policy), random);
  const contenders = slots > 0 ? boundaryContenders({ ...input, policy }) : [];
  const adaptive = contenders.slice(0, slots);
  if (adaptive.length === 0) return balanced(pool, size);

  const taken = new Set(adaptive.map((c) => c.id));
  const rest = balanced(
    pool.filter((c) => !taken.has(c.id)),
    size - adaptive.length,
  );
  // Mixed, so a batch's order does not tell a rater which thoughts are top-k contenders.
  return shuffle([...adaptive, ...rest], random);
}

/** The size of the top list the adaptive slots aim at, for a conversation of this many thoughts. */
export function topListSize(policy: Pick<AdaptivePolicy, "topK" | "topShare">, thoughts: number): number {
  return Math.max(1, Math.min(policy.topK, Math.round(policy.topShare * thoughts)));
}

/** The defaults, the overrides, and topK made the conversation's top list size. */
export function effectivePolicy(
  overrides: Partial<AdaptivePolicy> | undefined,
  thoughts: number,
): AdaptivePolicy {
  const policy = { ...defaultAdaptivePolicy, ...overrides };
  return { ...policy, topK: topListSize(policy, thoughts) };
}

/** Every thought has max(floor, relativeFloor × mean) ratings. */
export function floorReached(
  candidates: readonly RatedCandidate[],
  floor: number,
  relativeFloor = 0,
): boolean {
  if (candidates.length === 0) return true;
  let min = Number.POSITIVE_INFINITY;
  let total = 0;
  for (const c of candidates) {
    const count = ratingCount(c.histogram);
    min = Math.min(min, count);
    total += count;
  }
  return min >= Math.max(floor, (relativeFloor * total) / candidates.length);
}

/** The batch share that goes adaptively: `share`, scaled down once thoughts hold plenty of ratings. */
function scaledShare(input: AdaptivePickInput, policy: AdaptivePolicy): number {
  const mean = conversationMeanExposure(input);
  return policy.plentyAt > 0 && mean > policy.plentyAt
    ? (policy.share * policy.plentyAt) / mean
    : policy.share;
}

/** share × size slots, rounded at random so a share of 0.25 of a batch of 10 averages 2.5. */
function adaptiveSlots(size: number, share: number, random: () => number): number {
  const exact = Math.min(1, Math.max(0, share)) * size;
  const whole = Math.floor(exact);
  return whole + (random() < exact - whole ? 1 : 0);
}

/**
 * Eligible thoughts (not the rater's, not seen, under the cap) whose interval contains the top-k
 * boundary, least exposed first and random among ties: the adaptive budget spreads over the
 * contenders instead of piling onto the one closest to the line, and a contender leaves the list
 * by itself once its interval clears the boundary.
 */
export function boundaryContenders(input: AdaptivePickInput & { policy: AdaptivePolicy }): RatedCandidate[] {
  const { candidates, seen, authorKey, random, policy } = input;
  if (policy.topK < 1 || candidates.length <= policy.topK) return [];
  // Summed per thought, which on raw histograms is exactly conversationPrior's pooled sums.
  const prior =
    input.prior ?? momentsPrior(candidates.map((c) => c.adjusted ?? histogramMoments(c.histogram)));
  const intervals = candidates.map((c) => scoreInterval(c.histogram, prior, policy.z, c.adjusted));
  const [kth, next] = kthLargestPair(
    intervals.map((i) => i.score),
    policy.topK,
  );
  // Midway between the k-th and (k+1)-th scores: the line a rating must move a thought across.
  const boundary = (kth + next) / 2;
  if (policy.rule === "lucb") return lucbContenders(input, intervals);
  if (policy.rule === "thompson") return thompsonContenders(input, prior);

  // The conversation's mean, not the candidates': from a snapshot, the candidates are the
  // contenders themselves, whose mean climbs with every adaptive rating they get.
  const meanExposure = conversationMeanExposure(input);
  const contenders = candidates.filter(
    (c, i) =>
      c.authorKey !== authorKey &&
      !seen.has(c.id) &&
      c.exposure + 1 <= policy.cap * meanExposure &&
      intervals[i]!.low <= boundary &&
      boundary <= intervals[i]!.high,
  );
  return shuffle(contenders, random).sort((a, b) => a.exposure - b.exposure);
}

/** One standard error, from an interval z of them wide; one side may be clipped to 1..5 stars. */
function standardError(interval: { score: number } & Interval, z: number): number {
  return Math.max(interval.score - interval.low, interval.high - interval.score, 1e-9) / z;
}

/**
 * Thompson sampling for the top k: a posterior draw of every score; a thought whose draw lands on
 * the other side of the line from its score is one whose rating may still move it, with the
 * probability the draw found.
 */
function thompsonContenders(
  input: AdaptivePickInput & { policy: AdaptivePolicy },
  prior: Prior,
): RatedCandidate[] {
  const { candidates, seen, authorKey, random, policy } = input;
  const unit = candidates.map((c) => scoreInterval(c.histogram, prior, 1, c.adjusted));
  const drawn = unit.map((i) => i.score + standardError(i, 1) * standardNormal(random));
  const topByScore = topIndices(
    unit.map((i) => i.score),
    policy.topK,
    random,
  );
  const topByDraw = topIndices(drawn, policy.topK, random);
  const meanExposure = conversationMeanExposure(input);
  const contenders = candidates.filter(
    (c, i) =>
      topByScore.has(i) !== topByDraw.has(i) &&
      c.authorKey !== authorKey &&
      !seen.has(c.id) &&
      c.exposure + 1 <= policy.cap * meanExposure,
  );
  return shuffle(contenders, random).sort((a, b) => a.exposure - b.exposure);
}

/** Indices of the k largest values, ties broken at random. */
function topIndices(values: readonly number[], k: number, random: () => number): Set<number> {
  const order = shuffle([...values.keys()], random).sort((a, b) => values[b]! - values[a]!);
  return new Set(order.slice(0, k));
}

/** Box–Muller from the picker's uniform source. */
function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * LUCB order: the weakest-looking member of the current top k (lowest lower bound) and the
 * strongest-looking outsider (highest upper bound) are the pair whose ordering is least settled,
 * so they come first, then the next ones from each side, alternating. The overlap test uses every
 * thought's bounds (the line is a property of the conversation); eligibility (not own, not seen,
 * under the cap) only decides who can be offered to this rater.
 */
function lucbContenders(
  input: AdaptivePickInput & { policy: AdaptivePolicy },
  intervals: readonly ({ score: number } & Interval)[],
): RatedCandidate[] {
  const { candidates, seen, authorKey, random, policy } = input;
  // Ties in score are broken at random so equal thoughts share the top-k slots fairly.
  const order = shuffle([...candidates.keys()], random).sort(
    (a, b) => intervals[b]!.score - intervals[a]!.score,
  );
  const inTop = new Set(order.slice(0, policy.topK));
  let weakestLow = Number.POSITIVE_INFINITY;
  let strongestHigh = Number.NEGATIVE_INFINITY;
  for (const [i, interval] of intervals.entries()) {
    if (inTop.has(i)) weakestLow = Math.min(weakestLow, interval.low);
    else strongestHigh = Math.max(strongestHigh, interval.high);
  }
  // Separated: no rating is needed to tell the top k from the rest at this confidence.
  if (strongestHigh < weakestLow) return [];
  const meanExposure = conversationMeanExposure(input);
  const eligible = (i: number) => {
    const c = candidates[i]!;
    return c.authorKey !== authorKey && !seen.has(c.id) && c.exposure + 1 <= policy.cap * meanExposure;
  };
  const members = order
    .filter((i) => inTop.has(i) && eligible(i) && intervals[i]!.low <= strongestHigh)
    .sort((a, b) => intervals[a]!.low - intervals[b]!.low);
  const outsiders = order
    .filter((i) => !inTop.has(i) && eligible(i) && intervals[i]!.high >= weakestLow)
    .sort((a, b) => intervals[b]!.high - intervals[a]!.high);
  const out: RatedCandidate[] = [];
  for (let j = 0; j < Math.max(members.length, outsiders.length); j++) {
    if (j < members.length) out.push(candidates[members[j]!]!);
    if (j < outsiders.length) out.push(candidates[outsiders[j]!]!);
  }
  return out;
}

function conversationMeanExposure(input: AdaptivePickInput): number {
  const { candidates } = input;
  return (
    input.conversation?.meanExposure ?? candidates.reduce((s, c) => s + c.exposure, 0) / candidates.length
  );
}

/** The k-th and (k+1)-th largest values (1-based k < values.length), keeping only k + 1 in hand. */
function kthLargestPair(values: readonly number[], k: number): [number, number] {
  const top: number[] = [];
  for (const v of values) {
    if (top.length === k + 1 && v <= top[k]!) continue;
    let at = top.length === k + 1 ? k : top.length;
    while (at > 0 && top[at - 1]! < v) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = v;
    top.length = Math.min(top.length, k + 1);
  }
  return [top[k - 1]!, top[k]!];
}

function ratingCount(h: Histogram): number {
  return h[0] + h[1] + h[2] + h[3] + h[4];
}
