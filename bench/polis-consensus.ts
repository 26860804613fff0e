/**
 * Pol.is's group-informed consensus, as the reference bench:replay compares ours with.
 *
 * Newer openData exports carry it in comments.csv (`group-informed-consensus`); the exports shared
 * in ../shared/benchmarks/polis predate that column, so for them it is recomputed here from every
 * vote of the conversation with Pol.is's published method (compdemocracy.org/algorithms and
 * /group-informed-consensus), independently of our own opinion-group code:
 * - participants who cast at least 7 votes; votes agree +1, disagree −1, pass 0, a missing vote
 *   imputed with the comment's mean;
 * - PCA to two components of the centred matrix, each participant's projection scaled by
 *   √(comments ÷ comments voted on);
 * - k-means for k = 2…5, the k with the best silhouette (Pol.is clusters in two steps, base
 *   clusters first; one step is close enough for a reference);
 * - per comment, the product over groups of (agrees + 1) ÷ (votes + 2), passes counted as votes.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { createRng } from "../functions/lib/random.js";
import { simplifiedSilhouette } from "../functions/themes/auto-k.js";
import { type Clustering, kmeans } from "../functions/themes/kmeans.js";
import { denseMatrix } from "../functions/themes/sparse.js";
import type { PolisConversation } from "./polis.js";

const MIN_VOTES = 7;

export interface PolisReference {
  /** Comment id → group-informed consensus. */
  readonly consensus: ReadonlyMap<string, number>;
  /** "export" when comments.csv carried it, "recomputed" otherwise. */
  readonly source: "export" | "recomputed";
  readonly groups: number;
}

export function polisReference(conversation: PolisConversation): PolisReference {
  const exported = conversation.comments.filter((c) => c.groupInformedConsensus !== undefined);
  if (exported.length === conversation.comments.length && exported.length > 0) {
    return {
      consensus: new Map(exported.map((c) => [c.id, c.groupInformedConsensus!])),
      source: "export",
      groups: Number.NaN,
    };
  }
  const comments = conversation.comments.map((c) => c.id).filter((id) => conversation.votes.has(id));
  const votesPerVoter = new Map<string, number>();
  for (const id of comments) {
    for (const voter of conversation.votes.get(id)!.keys()) {
      votesPerVoter.set(voter, (votesPerVoter.get(voter) ?? 0) + 1);
    }
  }
  const threshold = Math.min(MIN_VOTES, comments.length);
  const voters = [...votesPerVoter]
    .filter(([, n]) => n >= threshold)
    .map(([v]) => v)
    .sort();
  const C = comments.length;
  const R = voters.length;
  // Imputed, then centred: the comment's mean is then 0 wherever a vote is missing.
  const x = new Float64Array(R * C);
  comments.forEach((id, c) => {
    const votes = conversation.votes.get(id)!;
    let sum = 0;
    let n = 0;
    for (const voter of voters) {
      const v = votes.get(voter);
      if (v !== undefined) {
        sum += v;
        n++;
      }
    }
    const mean = n > 0 ? sum / n : 0;
    voters.forEach((voter, r) => {
      const v = votes.get(voter);
      x[r * C + c] = v === undefined ? 0 : v - mean;
    });
  });
  const covariance = new Matrix(C, C);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < C; i++) {
      const xi = x[r * C + i]!;
      if (xi === 0) continue;
      for (let j = i; j < C; j++) covariance.set(i, j, covariance.get(i, j) + xi * x[r * C + j]!);
    }
  }
  for (let i = 0; i < C; i++) for (let j = 0; j < i; j++) covariance.set(i, j, covariance.get(j, i));
  const eigen = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
  const values = eigen.realEigenvalues;
  const top = values
    .map((_, i) => i)
    .sort((a, b) => values[b]! - values[a]!)
    .slice(0, 2);
  const points = denseMatrix(R, 2);
  voters.forEach((voter, r) => {
    const scale = Math.sqrt(C / votesPerVoter.get(voter)!);
    top.forEach((component, d) => {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += x[r * C + c]! * eigen.eigenvectorMatrix.get(c, component);
      points.data[r * 2 + d] = sum * scale;
    });
  });
  const rng = createRng(7);
  let best: { clustering: Clustering; silhouette: number } | undefined;
  for (let k = 2; k <= Math.min(5, R); k++) {
    const clustering = kmeans(points, k, { restarts: 10, maxIterations: 300, rng });
    const silhouette = simplifiedSilhouette(points, clustering);
    if (!best || silhouette > best.silhouette) best = { clustering, silhouette };
  }
  const labels = best!.clustering.labels;
  const k = best!.clustering.centroids.rows;
  const consensus = new Map<string, number>();
  for (const id of comments) {
    const votes = conversation.votes.get(id)!;
    const agrees = new Array<number>(k).fill(0);
    const seen = new Array<number>(k).fill(0);
    voters.forEach((voter, r) => {
      const v = votes.get(voter);
      if (v === undefined) return;
      seen[labels[r]!]!++;
      if (v === 1) agrees[labels[r]!]!++;
    });
    consensus.set(
      id,
      agrees.reduce((product, a, g) => product * ((a + 1) / (seen[g]! + 2)), 1),
    );
  }
  return { consensus, source: "recomputed", groups: k };
}
