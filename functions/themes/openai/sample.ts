import { pickRepresentatives } from "../representatives.js";
import type { ThemeItem } from "./types.js";

/** A thought of one cluster, after redaction. */
export interface Member {
  item: ThemeItem;
  redacted: string;
  centrality: number;
}

/**
 * The bounded sample of a cluster the model sees: half the slots for the best-rated thoughts (what
 * people most agreed with), the rest for the most typical ones (closest to the centroid), no repeats.
 * Without ratings every slot goes by typicality.
 */
export function pickSample(members: readonly Member[], size: number): Member[] {
  const byCentrality = [...members].sort((a, b) => b.centrality - a.centrality);
  const rated = members.filter((member) => typeof member.item.score === "number");
  const byScore = rated.sort((a, b) => b.item.score! - a.item.score! || b.centrality - a.centrality);
  const chosen = new Set<Member>(byScore.slice(0, Math.floor(size / 2)));
  for (const member of byCentrality) {
    if (chosen.size >= size) break;
    chosen.add(member);
  }
  return [...chosen];
}

/**
 * Representatives: the quoted thoughts first (their words are shown), then the offline engine's choice
 * (best-rated among the more central half), so both engines mean the same thing by "representative".
 */
export function representatives(
  members: readonly Member[],
  quotedIds: readonly string[],
  count = 5,
): string[] {
  const ids = new Set(quotedIds);
  const candidates = members.map((member, index) => ({
    index,
    id: member.item.id,
    text: member.redacted,
    score: member.item.score,
    centrality: member.centrality,
  }));
  for (const member of pickRepresentatives(candidates, count)) ids.add(member.id);
  return [...ids].slice(0, count);
}
