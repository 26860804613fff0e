/**
 * Opinion groups: raters who rate alike, found from the ratings alone, as Pol.is finds its groups
 * from votes. Pure and deterministic (seeded through functions/lib/random.ts; the result does not
 * depend on the order the ratings are read in).
 *
 * 1. Residuals. Each rating minus the thought's rater-adjusted mean and the rater's generosity
 *    (rater-bias.ts, additive model): what is left is how this person's view of this thought
 *    differs from the room's. Without this step the first axis found is "generous vs stingy",
 *    which is not an opinion.
 * 2. Embedding. The rater × thought matrix of residuals, an unrated pair counting as 0 (the room's
 *    view: Pol.is imputes a comment's mean the same way), reduced to two dimensions by a truncated
 *    SVD (ml-matrix for the small eigenproblem, themes/svd.ts). A rater's coordinates are scaled
 *    by √(thoughts ÷ thoughts rated), as Pol.is does, so people who rated little are not pulled
 *    to the middle only because most of their row is unrated.
 * 3. Clustering. k-means (themes/kmeans.ts) on the raters who rated at least `minRatings`, for
 *    k = 2…maxGroups; the k with the best silhouette among clusterings whose every group holds at
 *    least `minGroupSize` raters wins (Pol.is picks its k by silhouette too). Every rater, light
 *    raters included, then joins the nearest group, so the groups partition the raters: a group's
 *    numbers can never be recovered as "everyone minus the groups shown" (DESIGN §3.4).
 *
 * Who is in which group is internal: reports only ever carry a group's aggregate numbers, and a
 * group is a slice like a segment, released under the same rules (report/segments.ts).
 */
import { createRng } from "../lib/random.js";
import { simplifiedSilhouette } from "../themes/auto-k.js";
import { type Clustering, kmeans } from "../themes/kmeans.js";
import { type DenseMatrix, denseMatrix, type SparseMatrix } from "../themes/sparse.js";
import { truncatedSvd } from "../themes/svd.js";
import { estimateRaterBias, type RatingInput } from "./rater-bias.js";

export interface OpinionGroupOptions {
  /** Every group holds at least this many raters (the anonymity threshold k for numbers). */
  readonly minGroupSize: number;
  /** Most groups considered (Pol.is: 5). */
  readonly maxGroups?: number;
  /** Ratings a rater needs to help shape the groups (fewer still join the nearest one). */
  readonly minRatings?: number;
  readonly seed?: number;
}

export interface OpinionGroup {
  /** "A", "B", …: largest group first. */
  readonly id: string;
  readonly size: number;
}

export interface OpinionGroups {
  readonly groups: readonly OpinionGroup[];
  /** Rater key → group id, for every rater with a rating. Internal: never leaves the report job. */
  readonly groupOf: ReadonlyMap<string, string>;
  /** Mean silhouette of the chosen clustering on the raters that shaped it (−1…1; higher = clearer). */
  readonly separation: number;
}

/** Why there are no groups, when there are none. */
export type NoGroups = { readonly groups: readonly []; readonly reason: "too-few-raters" | "no-pattern" };

export const DEFAULT_MAX_GROUPS = 5;
/** About what one rating batch and a half gives: enough to place someone, not so many that few qualify. */
export const DEFAULT_MIN_RATINGS = 5;
const DIMENSIONS = 2;
const RESTARTS = 10;

export function opinionGroups(
  ratings: readonly RatingInput[],
  {
    minGroupSize,
    maxGroups = DEFAULT_MAX_GROUPS,
    minRatings = DEFAULT_MIN_RATINGS,
    seed = 1,
  }: OpinionGroupOptions,
): OpinionGroups | NoGroups {
  // Reading order must not matter: sort once, then everything is numbered in that order.
  const sorted = [...ratings].sort(
    (a, b) => compare(a.raterKey, b.raterKey) || compare(a.thoughtId, b.thoughtId),
  );
  const raterKeys = [...new Set(sorted.map((r) => r.raterKey))];
  const thoughtKeys = [...new Set(sorted.map((r) => r.thoughtId))].sort(compare);
  const raterIndex = new Map(raterKeys.map((key, i) => [key, i]));
  const thoughtIndex = new Map(thoughtKeys.map((key, i) => [key, i]));
  const counts = new Int32Array(raterKeys.length);
  for (const r of sorted) counts[raterIndex.get(r.raterKey)!]!++;
  const shaping = raterKeys.map((_, i) => i).filter((i) => counts[i]! >= minRatings);
  // Two groups of minGroupSize each is the least that can be shown.
  if (shaping.length < 2 * minGroupSize || thoughtKeys.length < 2) {
    return { groups: [], reason: "too-few-raters" };
  }

  const embedding = embedRaters(sorted, raterIndex, thoughtIndex, counts, thoughtKeys.length, seed);
  if (!embedding) return { groups: [], reason: "no-pattern" };
  const shapingPoints = denseMatrix(shaping.length, DIMENSIONS);
  shaping.forEach((rater, row) => {
    shapingPoints.data.set(
      embedding.data.subarray(rater * DIMENSIONS, (rater + 1) * DIMENSIONS),
      row * DIMENSIONS,
    );
  });

  const rng = createRng(seed);
  let best: { clustering: Clustering; silhouette: number } | undefined;
  const largestK = Math.min(maxGroups, Math.floor(shaping.length / minGroupSize));
  for (let k = 2; k <= largestK; k++) {
    const clustering = kmeans(shapingPoints, k, { restarts: RESTARTS, maxIterations: 300, rng });
    const sizes = groupSizes(assignAll(embedding, clustering.centroids), k);
    if (sizes.some((size) => size < minGroupSize)) continue;
    const silhouette = simplifiedSilhouette(shapingPoints, clustering);
    if (!best || silhouette > best.silhouette) best = { clustering, silhouette };
  }
  if (!best) return { groups: [], reason: "too-few-raters" };

  const labels = assignAll(embedding, best.clustering.centroids);
  const k = best.clustering.centroids.rows;
  const sizes = groupSizes(labels, k);
  // Largest first; equal sizes by their centroid, so the naming is stable.
  const order = [...Array(k).keys()].sort(
    (a, b) =>
      sizes[b]! - sizes[a]! ||
      best.clustering.centroids.data[a * DIMENSIONS]! - best.clustering.centroids.data[b * DIMENSIONS]!,
  );
  const name = new Map(order.map((cluster, i) => [cluster, String.fromCharCode(65 + i)]));
  return {
    groups: order.map((cluster) => ({ id: name.get(cluster)!, size: sizes[cluster]! })),
    groupOf: new Map(raterKeys.map((key, i) => [key, name.get(labels[i]!)!])),
    separation: best.silhouette,
  };
}

/** Every rater's coordinates (rows in raterIndex order), or undefined when the residuals are all zero. */
function embedRaters(
  sorted: readonly RatingInput[],
  raterIndex: ReadonlyMap<string, number>,
  thoughtIndex: ReadonlyMap<string, number>,
  counts: Int32Array,
  thoughts: number,
  seed: number,
): DenseMatrix | undefined {
  // The generosity shrinkage the groups were checked against Pol.is with; the ranking's own
  // (DEFAULT_RATER_STRENGTH, 16) was tuned on the ranking alone.
  const estimate = estimateRaterBias(sorted, { opinionStrength: false, raterStrength: 8 });
  const adjustedMean = new Map(
    [...estimate.thoughts].map(([id, m]) => [id, m.count > 0 ? m.sum / m.count : 0]),
  );
  const raters = raterIndex.size;
  // Sorted by rater, so the rows come out in order: compressed sparse rows directly.
  const matrix: SparseMatrix = {
    rows: raters,
    cols: thoughts,
    rowStart: new Int32Array(raters + 1),
    colIndex: new Int32Array(sorted.length),
    values: new Float64Array(sorted.length),
  };
  let nonZero = false;
  sorted.forEach((r, p) => {
    const row = raterIndex.get(r.raterKey)!;
    matrix.rowStart[row + 1] = p + 1;
    matrix.colIndex[p] = thoughtIndex.get(r.thoughtId)!;
    const residual = r.stars - (estimate.bias.get(r.raterKey) ?? 0) - adjustedMean.get(r.thoughtId)!;
    matrix.values[p] = residual;
    if (Math.abs(residual) > 1e-9) nonZero = true;
  });
  if (!nonZero) return undefined;
  const { embedding } = truncatedSvd(matrix, DIMENSIONS, createRng(seed + 1), { powerIterations: 4 });
  const points = denseMatrix(raters, DIMENSIONS);
  for (let i = 0; i < raters; i++) {
    const scale = Math.sqrt(thoughts / Math.max(1, counts[i]!));
    for (let d = 0; d < Math.min(DIMENSIONS, embedding.cols); d++) {
      points.data[i * DIMENSIONS + d] = embedding.data[i * embedding.cols + d]! * scale;
    }
  }
  return points;
}

function assignAll(points: DenseMatrix, centroids: DenseMatrix): Int32Array {
  const labels = new Int32Array(points.rows);
  for (let i = 0; i < points.rows; i++) {
    let nearest = 0;
    let distance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < centroids.rows; c++) {
      let sum = 0;
      for (let d = 0; d < points.cols; d++) {
        sum += (points.data[i * points.cols + d]! - centroids.data[c * points.cols + d]!) ** 2;
      }
      if (sum < distance) {
        distance = sum;
        nearest = c;
      }
    }
    labels[i] = nearest;
  }
  return labels;
}

function groupSizes(labels: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]!++;
  return sizes;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
