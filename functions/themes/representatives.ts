import { excerpt } from "../domain/excerpt.js";
import type { DenseMatrix } from "./sparse.js";
import { compareIds } from "./thought-ids.js";

export interface Member {
  index: number;
  id: string;
  text: string;
  score?: number;
  /** Cosine similarity to the theme's mean direction. */
  centrality: number;
}

/** Cosine similarity of each member to the normalised mean of the members (rows assumed unit length). */
export function centralities(points: DenseMatrix, members: readonly number[]): number[] {
  const dims = points.cols;
  const mean = new Float64Array(dims);
  for (const row of members) for (let d = 0; d < dims; d++) mean[d]! += points.data[row * dims + d]!;
  const norm = Math.sqrt(mean.reduce((sum, v) => sum + v * v, 0));
  return members.map((row) => {
    if (norm === 0) return 0;
    let dot = 0;
    for (let d = 0; d < dims; d++) dot += points.data[row * dims + d]! * mean[d]!;
    return dot / norm;
  });
}

/**
 * Representatives: when ratings exist, the best-rated members among the more central half (a top-rated
 * thought that only loosely fits should not speak for the theme); otherwise the most central members.
 * Ties break on centrality, then id, so the choice is deterministic.
 */
export function pickRepresentatives(members: readonly Member[], count: number): Member[] {
  const byCentrality = [...members].sort((a, b) => b.centrality - a.centrality || compareIds(a.id, b.id));
  if (!members.some((m) => m.score !== undefined)) return byCentrality.slice(0, count);
  const centralHalf = byCentrality.slice(0, Math.max(count, Math.ceil(members.length / 2)));
  return centralHalf
    .sort(
      (a, b) =>
        (b.score ?? Number.NEGATIVE_INFINITY) - (a.score ?? Number.NEGATIVE_INFINITY) ||
        b.centrality - a.centrality ||
        compareIds(a.id, b.id),
    )
    .slice(0, count);
}

/** Extractive summary: how big the theme is, what it is about, and its representatives' own words. */
export function extractiveSummary(
  size: number,
  phrases: readonly string[],
  representatives: readonly Member[],
) {
  const about = phrases.slice(0, 3);
  const topic =
    about.length > 1
      ? `${about.slice(0, -1).join(", ")} and ${about.at(-1)}`
      : (about[0] ?? "various topics");
  const quotes = representatives.map((m) => `“${excerpt(m.text)}”`).join(" ");
  const noun = size === 1 ? "thought" : "thoughts";
  return `${size} ${noun} about ${topic}.${quotes ? ` ${quotes}` : ""}`;
}
