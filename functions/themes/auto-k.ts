import { type Rng, sampleIndices } from "../lib/random.js";
import type { Clustering } from "./kmeans.js";
import { kmeans } from "./kmeans.js";
import { type DenseMatrix, denseMatrix, normalizeRows } from "./sparse.js";

/**
 * Choosing the number of themes.
 *
 * Plain silhouette keeps rising with k on text: in a 50-dimensional LSA space almost any finer partition looks
 * tighter (groups of thoughts sharing one phrase are tight), so "best silhouette" means "as many themes as
 * allowed". Two things counter that:
 *
 * 1. A null reference, as in Tibshirani's gap statistic: gap(k) = silhouette(k-means on the data) −
 *    silhouette(k-means on the same sample with every coordinate shuffled independently across documents).
 *    The reference has the same spread per dimension but no co-occurrence structure, so the part of the
 *    silhouette that any partition earns cancels out.
 * 2. Granularity: k is chosen in the space of the leading d LSA directions only, d = 4·log10(n) (10 for 300
 *    thoughts, 16 for 10,000). Themes that matter at the scale of the whole conversation are what the top
 *    singular directions capture; the trailing ones carry phrase-level variation. In d dimensions the gap
 *    stops improving once clusters start carving up topics, so it peaks instead of climbing forever. d grows
 *    slowly with n, so a larger conversation may show somewhat more themes.
 *
 * Then, like the gap statistic's "smallest k within one standard error", we take the smallest k whose gap is
 * within `tolerance` (10%) of the best: the simplest partition that is nearly as good. The silhouette is the
 * simplified (centroid-based) one, O(n·k) instead of O(n²). Measured: StackOverflow (20 tags, 20,000 titles)
 * → 16; 300 of those titles over 6 tags → 8; 300 synthetic thoughts over 6 topics → 9 (their topics have
 * real sub-structure); five cleanly separated topics → 5 (see the unit tests).
 */

/** Number of leading LSA directions used to choose k for n documents. */
export function autoKDimensions(n: number): number {
  return Math.max(4, Math.round(4 * Math.log10(Math.max(n, 1))));
}

export interface AutoKOptions {
  minK: number;
  maxK: number;
  rng: Rng;
  /** Share of the best gap a smaller k may give up. */
  tolerance?: number;
  sampleSize?: number;
  onProgress?: (fraction: number) => void;
}

export interface AutoKResult {
  k: number;
  /** gap(k) for every candidate tried, for diagnostics. */
  scores: { k: number; silhouette: number; reference: number; gap: number }[];
}

export function simplifiedSilhouette(points: DenseMatrix, clustering: Clustering): number {
  const { rows: n, cols: dims, data } = points;
  const { centroids, labels } = clustering;
  if (centroids.rows < 2 || n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let own = 0;
    let nearestOther = Number.POSITIVE_INFINITY;
    for (let c = 0; c < centroids.rows; c++) {
      let sum = 0;
      for (let d = 0; d < dims; d++) {
        const diff = data[i * dims + d]! - centroids.data[c * dims + d]!;
        sum += diff * diff;
      }
      const distance = Math.sqrt(sum);
      if (c === labels[i]) own = distance;
      else if (distance < nearestOther) nearestOther = distance;
    }
    const scale = Math.max(own, nearestOther);
    if (scale > 0) total += (nearestOther - own) / scale;
  }
  return total / n;
}

/** Each column shuffled on its own, rows renormalised: same marginals, no structure. */
function structurelessReference(points: DenseMatrix, rng: Rng): DenseMatrix {
  const { rows, cols, data } = points;
  const out = denseMatrix(rows, cols);
  for (let d = 0; d < cols; d++) {
    const order = sampleIndices(rows, rows, rng);
    for (let i = 0; i < rows; i++) out.data[i * cols + d] = data[order[i]! * cols + d]!;
  }
  return normalizeRows(out);
}

/** Candidate ks: every value up to 10, then roughly 15% apart (the curve is smooth there). */
export function candidateKs(minK: number, maxK: number): number[] {
  const ks: number[] = [];
  for (let k = minK; k <= maxK; k = k < 10 ? k + 1 : Math.max(k + 1, Math.round(k * 1.15))) ks.push(k);
  if (ks.at(-1) !== maxK && maxK >= minK) ks.push(maxK);
  return ks;
}

/** The first `dims` coordinates of a random sample of rows, rows renormalised to unit length. */
function leadingSample(embedding: DenseMatrix, dims: number, size: number, rng: Rng): DenseMatrix {
  const rows = sampleIndices(embedding.rows, Math.min(embedding.rows, size), rng).sort((a, b) => a - b);
  const d = Math.min(dims, embedding.cols);
  const out = denseMatrix(rows.length, d);
  rows.forEach((row, i) => {
    for (let j = 0; j < d; j++) out.data[i * d + j] = embedding.data[row * embedding.cols + j]!;
  });
  return normalizeRows(out);
}

/** `embedding` is the LSA embedding with columns in decreasing singular value order (normalised or not). */
export function chooseK(embedding: DenseMatrix, options: AutoKOptions): AutoKResult {
  const { rng, minK, maxK } = options;
  const tolerance = options.tolerance ?? 0.1;
  const sample = leadingSample(embedding, autoKDimensions(embedding.rows), options.sampleSize ?? 1000, rng);
  const reference = structurelessReference(sample, rng);
  const ks = candidateKs(minK, Math.min(maxK, sample.rows - 1));
  const scores: AutoKResult["scores"] = [];
  ks.forEach((k, index) => {
    // The structureless reference has no basins to miss, so one start is enough there.
    const silhouette = simplifiedSilhouette(
      sample,
      kmeans(sample, k, { restarts: 2, maxIterations: 100, rng }),
    );
    const baseline = simplifiedSilhouette(
      reference,
      kmeans(reference, k, { restarts: 1, maxIterations: 100, rng }),
    );
    scores.push({ k, silhouette, reference: baseline, gap: silhouette - baseline });
    options.onProgress?.((index + 1) / ks.length);
  });
  if (scores.length === 0) return { k: Math.max(1, Math.min(minK, embedding.rows)), scores };
  const bestGap = Math.max(...scores.map((s) => s.gap));
  const chosen = scores.find((s) => s.gap >= bestGap - tolerance * Math.abs(bestGap))!;
  return { k: chosen.k, scores };
}
