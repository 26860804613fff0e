import type { Rng } from "../lib/random.js";
import { type DenseMatrix, denseMatrix } from "./sparse.js";

// A hand-written k-means rather than ml-kmeans: ml-kmeans works on arrays of arrays through ml-matrix and
// took 6.5 s for a single 20k×100, k=20 run here, while automatic k needs dozens of runs. This version works
// on one Float64Array with Hamerly's bounds and takes about 1 s for the same run.

export interface KMeansOptions {
  /** Independent k-means++ starts; the run with the lowest inertia wins. */
  restarts: number;
  maxIterations: number;
  rng: Rng;
  /** Keep centroids at unit length (cosine k-means), for unit-length points. */
  spherical?: boolean;
  /** Start from these centroids instead of k-means++ (then a single run is made). */
  initial?: DenseMatrix;
  /** Candidates per k-means++ step; default 2 + ln k (scikit-learn's greedy variant), 1 is plain k-means++. */
  seedTrials?: number;
}

export interface Clustering {
  labels: Int32Array;
  centroids: DenseMatrix;
  /** Sum of squared distances from each point to its centroid. */
  inertia: number;
}

function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, dims: number) {
  let sum = 0;
  for (let d = 0; d < dims; d++) {
    const diff = a[aOffset + d]! - b[bOffset + d]!;
    sum += diff * diff;
  }
  return sum;
}

function meanVariance({ rows: n, cols: dims, data }: DenseMatrix): number {
  if (n === 0 || dims === 0) return 0;
  let total = 0;
  for (let d = 0; d < dims; d++) {
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * dims + d]!;
      sum += v;
      squares += v * v;
    }
    total += squares / n - (sum / n) ** 2;
  }
  return total / dims;
}

function pickWeighted(weights: Float64Array, total: number, rng: Rng): number {
  let target = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  return weights.length - 1;
}

/** Greedy k-means++ seeding, as scikit-learn does it: several candidates per step, keep the best. */
function seedCentroids(points: DenseMatrix, k: number, rng: Rng, seedTrials?: number): DenseMatrix {
  const { rows: n, cols: dims, data } = points;
  const centroids = denseMatrix(k, dims);
  const closest = new Float64Array(n);
  const first = rng.int(n);
  centroids.data.set(data.subarray(first * dims, (first + 1) * dims), 0);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = squaredDistance(data, i * dims, data, first * dims, dims);
    potential += closest[i]!;
  }
  const trials = seedTrials ?? 2 + Math.floor(Math.log(k));
  const candidateDistances = new Float64Array(n);
  const bestDistances = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestPotential = Number.POSITIVE_INFINITY;
    let bestCandidate = rng.int(n);
    for (let t = 0; t < trials; t++) {
      const candidate = potential > 0 ? pickWeighted(closest, potential, rng) : rng.int(n);
      let candidatePotential = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i]!, squaredDistance(data, i * dims, data, candidate * dims, dims));
        candidateDistances[i] = d;
        candidatePotential += d;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestCandidate = candidate;
        bestDistances.set(candidateDistances);
      }
    }
    centroids.data.set(data.subarray(bestCandidate * dims, (bestCandidate + 1) * dims), c * dims);
    closest.set(bestDistances);
    potential = bestPotential;
  }
  return centroids;
}

function updateCentroids(
  points: DenseMatrix,
  labels: Int32Array,
  upper: Float64Array,
  k: number,
  spherical: boolean,
) {
  const { rows: n, cols: dims, data } = points;
  const centroids = denseMatrix(k, dims);
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    sizes[c]!++;
    for (let d = 0; d < dims; d++) centroids.data[c * dims + d]! += data[i * dims + d]!;
  }
  let reseeded = false;
  const taken = new Set<number>();
  for (let c = 0; c < k; c++) {
    if (sizes[c] === 0) {
      // An emptied cluster restarts at the point worst served by its current centroid.
      let farthest = -1;
      for (let i = 0; i < n; i++) {
        if (!taken.has(i) && (farthest < 0 || upper[i]! > upper[farthest]!)) farthest = i;
      }
      taken.add(farthest);
      reseeded = true;
      centroids.data.set(data.subarray(farthest * dims, (farthest + 1) * dims), c * dims);
      continue;
    }
    let scale = 1 / sizes[c]!;
    if (spherical) {
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += centroids.data[c * dims + d]! ** 2;
      scale = norm > 0 ? 1 / Math.sqrt(norm) : 1;
    }
    for (let d = 0; d < dims; d++) centroids.data[c * dims + d]! *= scale;
  }
  return { centroids, reseeded };
}

/**
 * Lloyd iterations accelerated with Hamerly's bounds (Hamerly 2010): each point keeps an upper bound on the
 * distance to its own centroid and a lower bound on the distance to any other; when the bounds prove the
 * assignment cannot change, the point is skipped. Same result as plain Lloyd, with far fewer distance
 * computations once the centroids settle.
 */
function lloyd(points: DenseMatrix, k: number, options: KMeansOptions): Clustering {
  const { maxIterations, rng } = options;
  const { rows: n, cols: dims, data } = points;
  let centroids = options.initial ?? seedCentroids(points, k, rng, options.seedTrials);
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const halfGap = new Float64Array(k);
  const moved = new Float64Array(k);
  const tolerance = 1e-4 * meanVariance(points);

  const scan = (i: number) => {
    let best = 0;
    let first = Number.POSITIVE_INFINITY;
    let second = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const d = squaredDistance(data, i * dims, centroids.data, c * dims, dims);
      if (d < first) {
        second = first;
        first = d;
        best = c;
      } else if (d < second) second = d;
    }
    labels[i] = best;
    upper[i] = Math.sqrt(first);
    lower[i] = Math.sqrt(second);
  };
  for (let i = 0; i < n; i++) scan(i);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const previous = centroids;
    const update = updateCentroids(points, labels, upper, k, options.spherical ?? false);
    centroids = update.centroids;
    let largestMove = 0;
    let secondMove = 0;
    let fastest = -1;
    for (let c = 0; c < k; c++) {
      moved[c] = Math.sqrt(squaredDistance(previous.data, c * dims, centroids.data, c * dims, dims));
      if (moved[c]! > largestMove) {
        secondMove = largestMove;
        largestMove = moved[c]!;
        fastest = c;
      } else if (moved[c]! > secondMove) secondMove = moved[c]!;
    }
    // scikit-learn's stopping rule: total squared centroid shift below 1e-4 × the data's mean variance;
    // then one last assignment so that labels match the centroids returned.
    let totalShift = 0;
    for (let c = 0; c < k; c++) totalShift += moved[c]! ** 2;
    if (totalShift <= tolerance) {
      for (let i = 0; i < n; i++) scan(i);
      break;
    }
    for (let c = 0; c < k; c++) {
      let nearest = Number.POSITIVE_INFINITY;
      for (let o = 0; o < k; o++) {
        if (o === c) continue;
        nearest = Math.min(
          nearest,
          squaredDistance(centroids.data, c * dims, centroids.data, o * dims, dims),
        );
      }
      halfGap[c] = Math.sqrt(nearest) / 2;
    }
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const own = labels[i]!;
      if (!update.reseeded) {
        upper[i]! += moved[own]!;
        lower[i]! -= own === fastest ? secondMove : largestMove;
        const bound = Math.max(halfGap[own]!, lower[i]!);
        if (upper[i]! <= bound) continue;
        upper[i] = Math.sqrt(squaredDistance(data, i * dims, centroids.data, own * dims, dims));
        if (upper[i]! <= bound) continue;
      }
      scan(i);
      if (labels[i] !== own) changed++;
    }
    if (changed === 0) break;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++)
    inertia += squaredDistance(data, i * dims, centroids.data, labels[i]! * dims, dims);
  return { labels, centroids, inertia };
}

/** k-means with k-means++ seeding, best of several restarts. Requires 1 ≤ k ≤ number of points. */
export function kmeans(points: DenseMatrix, k: number, options: KMeansOptions): Clustering {
  let best: Clustering | undefined;
  const runs = options.initial ? 1 : Math.max(1, options.restarts);
  for (let run = 0; run < runs; run++) {
    const result = lloyd(points, k, options);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}
