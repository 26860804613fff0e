/**
 * DESIGN §4, adaptive part, as the API runs it. A request cannot read every thought (bounded calls,
 * no Scan), so the scheduler keeps one snapshot per conversation of what the adaptive picker needs
 * beyond the least-exposed page: the thoughts near the top-k line, the prior and the floor numbers.
 * Pure, so the ranking benchmark runs the very code the API runs, staleness included.
 */
import {
  type AdaptivePolicy,
  defaultAdaptivePolicy,
  effectivePolicy,
  pickAdaptiveBatch,
  type RatedCandidate,
} from "./adaptive.js";
import { type Candidate, pickBatch } from "./distributor.js";
import { conversationPrior, type Prior, scoreInterval } from "./statistics.js";

export interface ContenderSnapshot {
  readonly prior: Prior;
  /** Visible thoughts when computed. */
  readonly thoughts: number;
  /** Least and mean ratings per visible thought: the adaptive floor. */
  readonly minRatings: number;
  readonly meanRatings: number;
  readonly meanExposure: number;
  readonly contenders: readonly RatedCandidate[];
}

/** ≤ 150 × ~130 bytes stored: far under DynamoDB's 400 KB item limit, one GetItem to read. */
export const maxSnapshotContenders = 150;

/** How far, in standard errors, the snapshot keeps thoughts for the "thompson" rule. */
const thompsonReach = 2.5;

/**
 * From every visible thought. Raw histograms only, no rater-bias-adjusted moments: the picker
 * works on raw histograms and only the published ranking is adjusted.
 */
export function buildContenderSnapshot(
  visible: readonly RatedCandidate[],
  limit = maxSnapshotContenders,
  policy: Partial<AdaptivePolicy> = {},
): ContenderSnapshot {
  const prior = conversationPrior(visible.map((c) => c.histogram));
  const counts = visible.map((c) => c.histogram.reduce((s, x) => s + x, 0));
  const n = Math.max(1, visible.length);
  return {
    prior,
    thoughts: visible.length,
    minRatings: visible.length > 0 ? Math.min(...counts) : 0,
    meanRatings: counts.reduce((s, x) => s + x, 0) / n,
    meanExposure: visible.reduce((s, c) => s + c.exposure, 0) / n,
    contenders: snapshotContenders(visible, prior, limit, effectivePolicy(policy, visible.length)),
  };
}

/**
 * For a bounded read of the conversation (ranking-snapshot.ts): the thoughts the adaptive picker
 * can want, given everything. The top k + 1 by score always, so that the k-th and (k+1)-th scores
 * (the boundary) come out the same from the subset; then every thought whose interval contains
 * the boundary (at z standard errors, or the reach of a posterior draw for "thompson"), nearest
 * first, up to `limit`. Thoughts further away could only become contenders after ratings the next
 * refresh sees.
 */
export function snapshotContenders<T extends RatedCandidate>(
  candidates: readonly T[],
  prior: Prior,
  limit: number,
  policy: Pick<AdaptivePolicy, "topK" | "z"> & Partial<Pick<AdaptivePolicy, "rule">> = defaultAdaptivePolicy,
): T[] {
  // A posterior draw can carry a thought across the line from further than z standard errors.
  const z = policy.rule === "thompson" ? Math.max(policy.z, thompsonReach) : policy.z;
  const scored = candidates
    .map((c) => ({ c, ...scoreInterval(c.histogram, prior, z, c.adjusted) }))
    .sort((a, b) => b.score - a.score || (a.c.id < b.c.id ? -1 : 1));
  if (scored.length <= policy.topK) return scored.map((s) => s.c).slice(0, limit);
  const boundary = (scored[policy.topK - 1]!.score + scored[policy.topK]!.score) / 2;
  const head = scored.slice(0, policy.topK + 1);
  const straddling = scored
    .slice(policy.topK + 1)
    .filter((s) => s.low <= boundary && boundary <= s.high)
    .sort((a, b) => Math.abs(a.score - boundary) - Math.abs(b.score - boundary));
  return [...head, ...straddling].slice(0, Math.max(limit, policy.topK + 1)).map((s) => s.c);
}

export interface SnapshotPickInput {
  /** Undefined until the scheduler has computed one: the balanced choice is then the right one. */
  readonly snapshot: ContenderSnapshot | undefined;
  /** The least-exposed thoughts, with live exposure (the API's byExposure page). */
  readonly page: readonly Candidate[];
  /** The least ratings among the page's thoughts: a thought shared since the snapshot shows here. */
  readonly pageMinRatings: number;
  readonly seen: ReadonlySet<string>;
  readonly authorKey: string;
  readonly size: number;
  readonly random: () => number;
  readonly policy?: Partial<AdaptivePolicy>;
}

/** A batch to assign; contenders of an adaptive choice carry the exposure cap into the write. */
export interface SnapshotChoice {
  readonly chosen: readonly Candidate[];
  readonly capped?: ReadonlySet<string>;
  /** The highest exposure a capped thought may have when it is assigned. */
  readonly maxExposure?: number;
}

export function pickWithSnapshot(input: SnapshotPickInput): SnapshotChoice {
  const { snapshot, page, seen, authorKey, size, random } = input;
  const balanced = { candidates: page, seen, authorKey, size, random };
  if (!snapshot || snapshot.contenders.length === 0) return { chosen: pickBatch(balanced) };
  const policy = effectivePolicy(input.policy, snapshot.thoughts);
  const threshold = Math.max(policy.floor, policy.relativeFloor * snapshot.meanRatings);
  // The snapshot may be a run old: a thought shared since then shows in the page with few
  // ratings, and holds the adaptive slots back until it has caught up.
  const floorReached = snapshot.minRatings >= threshold && input.pageMinRatings >= threshold;
  if (!floorReached) return { chosen: pickBatch(balanced) };
  // Current exposure for the contenders the page holds, the snapshot's for the rest.
  const live = new Map(page.map((c) => [c.id, c.exposure]));
  const contenders = snapshot.contenders.map((c) => ({ ...c, exposure: live.get(c.id) ?? c.exposure }));
  const chosen = pickAdaptiveBatch({
    ...balanced,
    candidates: contenders,
    others: page,
    prior: snapshot.prior,
    policy,
    conversation: { floorReached, meanExposure: snapshot.meanExposure, thoughts: snapshot.thoughts },
  });
  return {
    chosen,
    capped: new Set(contenders.map((c) => c.id)),
    // The picker's own test, exposure + 1 ≤ cap × mean, made exact by the write. The snapshot's
    // mean is a run old and means only grow, so the cap it gives is, if anything, lower.
    maxExposure: policy.cap * snapshot.meanExposure - 1,
  };
}
