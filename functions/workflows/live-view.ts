import { audienceIncludes, type Conversation, numberThreshold } from "../domain/conversation.js";
import { emergingLimit, type LiveSnapshot } from "../domain/live.js";
import { boundaryOf } from "../domain/release-rounds.js";
import { snapshotOf } from "../domain/snapshot-cells.js";
import { histogramFromRecord, rankThoughts } from "../domain/statistics.js";
import { participationBySegment } from "../report/participation-segments.js";
import type { Services } from "../services.js";

/**
 * The live view of a running conversation (issue 12, domain/live.ts). Everything a leader sees
 * while it runs comes from one snapshot the scheduler takes, never from the live counters:
 * - while sharing, a new snapshot only after a release round took new counts (shownCounts), so
 *   the figures by group move together with the totals and cannot time an arrival (DESIGN §3.7);
 * - while rating (counts are live then anyway), once per quarter hour.
 * Groups are decided by the report's release rule (participation-segments.ts, DESIGN §3.4).
 */

/** What the scheduler does for one sharing or rating conversation, after its release round. */
export async function refreshLiveView(s: Services, conversation: Conversation, now: Date): Promise<boolean> {
  if (conversation.state !== "sharing" && conversation.state !== "rating") return false;
  const current = await s.live.get(conversation.id);
  if (conversation.state === "sharing") {
    const released = await s.rounds.releasedCounts(conversation.id);
    // No round has counted yet (the first run of a just-opened conversation takes one).
    if (!released?.releasedAt || current?.at === released.releasedAt) return false;
    await takeLiveSnapshot(s, conversation, new Date(released.releasedAt));
    return true;
  }
  if (current && current.boundary >= boundaryOf(now)) return false;
  await takeLiveSnapshot(s, conversation, now);
  return true;
}

/** Reads the audience and who joined (a job, not a request) and stores the snapshot. */
export async function takeLiveSnapshot(
  s: Services,
  conversation: Pick<Conversation, "id" | "audience" | "settings">,
  at: Date,
): Promise<LiveSnapshot> {
  const [people, participation, cells] = await Promise.all([
    s.directory.all(),
    s.participation.all(conversation.id),
    s.participation.snapshotCells(conversation.id),
  ]);
  const invited = people.filter((p) => p.active && audienceIncludes(conversation.audience, p.attributes));
  // Participants carry generalised snapshots (domain/snapshot-cells.ts): the invited are counted
  // through the same cells, so a group's invited and joined counts describe the same people.
  const bySegment = participationBySegment({
    participants: participation.map((p) => ({ key: p.participantKey, attributes: p.attributes })),
    invited: invited.map((p) => ({ attributes: cells ? snapshotOf(cells, p.attributes) : p.attributes })),
    k: numberThreshold(conversation.settings),
  });
  const joinedPerDay = new Map<string, number>();
  for (const p of participation) joinedPerDay.set(p.joinedDay, (joinedPerDay.get(p.joinedDay) ?? 0) + 1);
  const snapshot: LiveSnapshot = {
    at: at.toISOString(),
    boundary: boundaryOf(at),
    invited: invited.length,
    participants: participation.length,
    byDay: [...joinedPerDay]
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(-400)
      .map(([day, joined]) => ({ day, joined })),
    groups: bySegment.groups.slice(0, 1000),
    hiddenGroups: bySegment.hidden,
  };
  await s.live.save(conversation.id, snapshot);
  return snapshot;
}

export interface EmergingThought {
  readonly id: string;
  readonly text: string;
  readonly ratings: number;
  readonly average: number;
  readonly score: number;
}

/**
 * The best-rated thoughts so far, once rating has started (DESIGN §5's Bayesian score): only
 * pooled, visible thoughts rated by at least k people (no number from fewer than k raters,
 * §3.4). Bounded: the scheduler's contender snapshot (≤ 150 ids, one GetItem) names the
 * candidates, one BatchGet reads their current ratings and text.
 */
export async function emergingThoughts(
  s: Services,
  conversation: Pick<Conversation, "id" | "state" | "settings">,
  limit = emergingLimit,
): Promise<EmergingThought[]> {
  if (conversation.state !== "rating") return [];
  const snapshot = await s.rankingSnapshots.get(conversation.id);
  if (!snapshot || snapshot.contenders.length === 0) return [];
  const k = numberThreshold(conversation.settings);
  const thoughts = await s.thoughts.getMany(
    conversation.id,
    snapshot.contenders.map((c) => c.id),
  );
  const rated = [...thoughts.values()]
    .filter((t) => t.status === "visible" && t.pooled && t.ratingCount >= k)
    .map((t) => ({ id: t.id, text: t.text, histogram: histogramFromRecord(t.histogram) }));
  return rankThoughts(rated, snapshot.prior)
    .slice(0, limit)
    .map((t) => ({
      id: t.id,
      text: t.text,
      ratings: t.stats.count,
      average: t.stats.mean ?? 0,
      score: t.stats.score,
    }));
}
