import { type Conversation, numberThreshold } from "../domain/conversation.js";
import { histogramFromRecord, rankThoughts } from "../domain/statistics.js";
import type { Services } from "../services.js";

/** How many top thoughts are shown while rating. */
export const emergingLimit = 5;

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
