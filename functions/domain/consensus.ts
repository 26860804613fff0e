/**
 * Consensus and division across opinion groups (opinion-groups.ts), with stars. Pure.
 *
 * - A group's support for a thought is its smoothed share of 4–5★ ratings, (high + 1) ÷ (n + 2):
 *   Pol.is's agree probability with the same Laplace smoothing, 4–5★ standing for "agree". The
 *   smoothing keeps a group that barely rated a thought near one half, neither for nor against.
 * - Group-informed consensus is the product of the groups' supports (Pol.is's definition). A
 *   product is only high when every group supports the thought: one group against it pulls it
 *   down whatever the others think, which is what "common ground" means.
 * - Division is the spread of support: the highest group's minus the lowest group's.
 *
 * Anonymity (DESIGN §3.4): a thought's group numbers are shown, and it can be listed as common
 * ground or divisive, only when every group's number for it is released (`releasable`). In the
 * report that is the release rule's decision on the thought's cells, made together with every
 * segment's (report/opinion.ts); with ratings alone, every group having at least k raters of it
 * (groups partition the raters, so none can then be recovered from the others and the total).
 */
import type { RatingInput } from "./rater-bias.js";

/** A thought's 4–5★ share among its raters of one group. */
export interface GroupSupport {
  readonly groupId: string;
  /** Raters of this group who rated the thought. */
  readonly raters: number;
  /** Of them, how many gave 4 or 5 stars. */
  readonly high: number;
  /** (high + 1) ÷ (raters + 2). */
  readonly support: number;
}

export interface ThoughtConsensus {
  readonly thoughtId: string;
  /** One entry per group, in the groups' order. */
  readonly groups: readonly GroupSupport[];
  /** Product of the groups' supports (Pol.is's group-informed consensus). */
  readonly consensus: number;
  /** Highest minus lowest group support. */
  readonly division: number;
  /** Every group has at least k raters of this thought: its group numbers may be shown. */
  readonly releasable: boolean;
}

/** A released segment's view of a thought, for the common-ground test. */
export interface SliceSupport {
  readonly raters: number;
  readonly high: number;
}

export const smoothedSupport = (high: number, raters: number) => (high + 1) / (raters + 2);
export const isHigh = (stars: number) => stars >= 4;

/**
 * "Rates it highly": a majority of the slice gave 4–5★, on the smoothed share. One half is the
 * line where a group is as likely to support a thought as not.
 */
export const HIGH_SUPPORT = 0.5;
/**
 * "Divides": groups' supports at least this far apart. 0.3 is, for example, 40% of one group
 * against 70% of another: a gap leaders would want to know about, beyond what a dozen ratings per
 * group mix up by chance (a share's standard error at n = 12 is about 0.14).
 */
export const DIVIDING_SPREAD = 0.3;

/** A thought's consensus and division from its groups' tallies (raters and 4–5★ counts). */
export function consensusOf(
  thoughtId: string,
  tallies: readonly { readonly groupId: string; readonly raters: number; readonly high: number }[],
  releasable: boolean,
): ThoughtConsensus {
  const groups = tallies.map((t) => ({ ...t, support: smoothedSupport(t.high, t.raters) }));
  const supports = groups.map((g) => g.support);
  return {
    thoughtId,
    groups,
    consensus: supports.reduce((product, s) => product * s, 1),
    division: supports.length > 0 ? Math.max(...supports) - Math.min(...supports) : 0,
    releasable,
  };
}

/**
 * Every rated thought's consensus from individual ratings, a thought releasable when every group
 * has at least k raters of it (the benchmarks' use; the report decides releasability with the
 * release rule's thought cells instead, report/opinion.ts).
 */
export function thoughtConsensus(
  ratings: readonly RatingInput[],
  groupOf: ReadonlyMap<string, string>,
  groupIds: readonly string[],
  k: number,
): ThoughtConsensus[] {
  const position = new Map(groupIds.map((id, i) => [id, i]));
  const tallies = new Map<string, { raters: Int32Array; high: Int32Array }>();
  for (const rating of ratings) {
    const group = position.get(groupOf.get(rating.raterKey) ?? "");
    if (group === undefined) continue;
    let tally = tallies.get(rating.thoughtId);
    if (!tally) {
      tally = { raters: new Int32Array(groupIds.length), high: new Int32Array(groupIds.length) };
      tallies.set(rating.thoughtId, tally);
    }
    tally.raters[group]!++;
    if (isHigh(rating.stars)) tally.high[group]!++;
  }
  return [...tallies].map(([thoughtId, tally]) => {
    const groups = groupIds.map((groupId, g) => ({
      groupId,
      raters: tally.raters[g]!,
      high: tally.high[g]!,
    }));
    return consensusOf(
      thoughtId,
      groups,
      groups.every((g) => g.raters >= k),
    );
  });
}

export interface ConsensusListOptions {
  readonly limit?: number;
  /**
   * Per thought, every released segment's raters and 4–5★ count: common ground must hold in
   * each of them too. A segment with fewer than k raters of the thought neither blocks nor
   * supports it (its view of one thought is too small a slice to decide anything on).
   */
  readonly segmentsOf?: (thoughtId: string) => readonly SliceSupport[];
  readonly k?: number;
}

/**
 * Common ground (bridging): every group, and every released segment, rates it highly. Highest
 * group-informed consensus first.
 */
export function commonGround(
  thoughts: readonly ThoughtConsensus[],
  { limit = 10, segmentsOf, k = 0 }: ConsensusListOptions = {},
): ThoughtConsensus[] {
  return thoughts
    .filter((t) => isCommonGround(t, { segmentsOf, k }))
    .sort((a, b) => b.consensus - a.consensus || compare(a.thoughtId, b.thoughtId))
    .slice(0, limit);
}

/** Every group, and every released segment with k raters of it, rates it highly. */
export function isCommonGround(
  t: ThoughtConsensus,
  { segmentsOf, k = 0 }: Pick<ConsensusListOptions, "segmentsOf" | "k"> = {},
): boolean {
  return (
    t.releasable &&
    t.groups.every((g) => g.support > HIGH_SUPPORT) &&
    (segmentsOf?.(t.thoughtId) ?? []).every(
      (s) => s.raters < k || smoothedSupport(s.high, s.raters) > HIGH_SUPPORT,
    )
  );
}

export const isDivisive = (t: ThoughtConsensus) => t.releasable && t.division >= DIVIDING_SPREAD;

/** Divisive: groups' supports at least DIVIDING_SPREAD apart. Widest gap first. */
export function divisive(thoughts: readonly ThoughtConsensus[], { limit = 10 } = {}): ThoughtConsensus[] {
  return thoughts
    .filter(isDivisive)
    .sort((a, b) => b.division - a.division || compare(a.thoughtId, b.thoughtId))
    .slice(0, limit);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
