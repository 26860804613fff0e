import type { Conversation, Counts } from "../domain/conversation.js";
import { boundaryOf, boundaryStart, decideRound } from "../domain/release-rounds.js";
import type { Services } from "../services.js";

/**
 * DESIGN §3.7, issue 9 attack 3: new thoughts reach the rating pool, and the counts shown while
 * sharing move, only at release rounds (domain/release-rounds.ts has the rule, docs/anonymity.md
 * "Release rounds" the reasons). The scheduler decides a round per conversation on every run;
 * sharing's end cuts one at once. Thoughts held for a moderator reach the moderation queue in the
 * same rounds (and count towards a round's five), so the queue does not tell when they arrived.
 */

/** What the scheduler does for one sharing or rating conversation. True when it cut a round. */
export async function decideReleaseRound(
  s: Services,
  conversation: Pick<Conversation, "id" | "state"> & { invited?: number },
  now: Date,
): Promise<boolean> {
  const state = await s.rounds.state(conversation.id);
  const decision = decideRound(
    { waiting: state.waiting.length + state.held.length, lastBoundary: state.lastBoundary },
    now,
  );
  if (decision.kind === "seen") return false;
  if (!(await s.rounds.claim(conversation.id, decision.boundary))) return false;
  const at = boundaryStart(decision.boundary);
  // Only sharing shows round counts (shownCounts); rating shows the live sums.
  const sharing = conversation.state === "sharing";
  if (decision.kind === "wait") {
    // The first look (sharing just opened) takes the counts, so a view never lacks them.
    if (sharing && state.lastBoundary === undefined) await takeCounts(s, conversation, at);
    return false;
  }
  await s.rounds.release(conversation.id, state.waiting);
  await s.rounds.openHeld(conversation.id, state.held);
  if (sharing) await takeCounts(s, conversation, at);
  return true;
}

/**
 * Releases everything waiting now, whatever the rule says: when sharing ends (the end is on the
 * schedule, not a thought's arrival), and for the demo's sample data; held thoughts reach the
 * moderation queue. Returns how many joined the pool.
 */
export async function releaseNow(
  s: Services,
  conversation: Pick<Conversation, "id"> & { invited?: number },
  now: Date,
): Promise<number> {
  const state = await s.rounds.state(conversation.id);
  const released = await s.rounds.release(conversation.id, state.waiting);
  await s.rounds.openHeld(conversation.id, state.held);
  // Record the boundary too, so the scheduler does not cut a second round in the same quarter hour.
  await s.rounds.claim(conversation.id, boundaryOf(now));
  await takeCounts(s, conversation, now);
  return released;
}

/**
 * The counts a facilitator, leader or admin is shown (and live views read): while sharing, the
 * ones taken at the last release round, so they cannot tell when a thought or a person arrived;
 * otherwise the live sums. `releasedAt` says which round while sharing.
 */
export async function shownCounts(
  s: Services,
  conversation: Pick<Conversation, "id" | "state"> & { invited?: number },
): Promise<Counts> {
  const invited = conversation.invited ?? 0;
  if (conversation.state !== "sharing") return s.conversations.counts(conversation.id, invited);
  const released = await s.rounds.releasedCounts(conversation.id);
  return released
    ? { ...released, invited }
    : { invited, participants: 0, thoughts: 0, ratings: 0, skips: 0 };
}

async function takeCounts(s: Services, conversation: { id: string; invited?: number }, at: Date) {
  const counts = await s.conversations.counts(conversation.id, conversation.invited ?? 0);
  await s.rounds.saveCounts(conversation.id, { ...counts, releasedAt: at.toISOString() });
}
