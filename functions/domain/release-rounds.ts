/**
 * DESIGN §3.7: new thoughts join the rating pool together, in release rounds, so neither a rating
 * batch nor a live count tells when a thought arrived better than its round.
 *
 * The rule. Rounds are cut by the scheduler, never by a request, on the clock's quarter hours
 * (:00, :15, :30, :45, UTC):
 * - at any quarter hour, everything waiting joins the pool when at least 5 thoughts wait;
 * - at a full hour, everything waiting joins whatever the number, so a conversation with few
 *   thoughts still flows (a thought waits an hour at most);
 * - when sharing ends, everything waiting joins at once (the end is on the schedule anyway).
 * The counts shown while sharing (participants, thoughts, ratings) are taken at rounds too, and a
 * full hour is a round even when nothing waits, so the counts still move in a quiet hour.
 * A thought a moderator keeps or restores waits for the next round too: otherwise the time of a
 * quick pre-moderation decision would be the time the thought arrived.
 *
 * Nothing is stored about when a thought started waiting: the round state holds the waiting ids
 * and the last quarter hour the scheduler looked at, which is the same for every conversation.
 */
export const releaseRule = {
  /** Rounds are cut at these boundaries of the clock. */
  boundaryMinutes: 15,
  /** A round at a quarter hour needs this many waiting thoughts. */
  minimum: 5,
  /** Every this many boundaries (a full hour), a round releases whatever waits. */
  flushEvery: 4,
} as const;

const boundaryMs = releaseRule.boundaryMinutes * 60 * 1000;

/** The quarter hour a time falls in, counted from the epoch. */
export function boundaryOf(now: Date): number {
  return Math.floor(now.getTime() / boundaryMs);
}

/** When a boundary begins. */
export function boundaryStart(boundary: number): Date {
  return new Date(boundary * boundaryMs);
}

export interface RoundState {
  /** How many thoughts wait for a round. */
  readonly waiting: number;
  /** The last boundary the scheduler looked at for this conversation (undefined: never). */
  readonly lastBoundary?: number;
}

export type RoundDecision =
  /** The boundary was looked at already: nothing to do. */
  | { readonly kind: "seen" }
  /** A new boundary, but no round: record it and wait. */
  | { readonly kind: "wait"; readonly boundary: number }
  /** Cut a round: everything waiting joins the pool (maybe nothing), the counts are taken again. */
  | { readonly kind: "release"; readonly boundary: number };

/**
 * What the scheduler does for one conversation at a tick. Ticks come every minute; only the first
 * one past a boundary decides, so duplicate or late ticks change nothing twice. A missed boundary
 * is decided by the next tick; crossing a full hour since the last look counts as a full hour.
 */
export function decideRound(state: RoundState, now: Date): RoundDecision {
  const boundary = boundaryOf(now);
  if (state.lastBoundary !== undefined && state.lastBoundary >= boundary) return { kind: "seen" };
  // Never looked at before (the scheduler looks within a minute of sharing opening): a full hour
  // has not passed for anything waiting.
  const hourPassed =
    state.lastBoundary !== undefined &&
    Math.floor(boundary / releaseRule.flushEvery) > Math.floor(state.lastBoundary / releaseRule.flushEvery);
  return state.waiting >= releaseRule.minimum || hourPassed
    ? { kind: "release", boundary }
    : { kind: "wait", boundary };
}

/**
 * The latest a thought shared (or kept by a moderator) at `now` joins the pool: the next full
 * hour, given a scheduler that looks every minute. Sooner when five gather or sharing ends.
 */
export function joinsPoolBy(now: Date): Date {
  const hourMs = boundaryMs * releaseRule.flushEvery;
  return new Date((Math.floor(now.getTime() / hourMs) + 1) * hourMs);
}
