import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import type { Rng } from "../lib/random.js";
import {
  type DenseMatrix,
  denseMatrix,
  denseTimesSmall,
  gram,
  type SparseMatrix,
  scaleColumnsToUnitLength,
  sparseTimesDense,
  sparseTransposeTimesDense,
} from "./sparse.js";

interface SymmetricEigen {
  /** Descending eigenvalues. */
  values: number[];
  /** Matching eigenvectors as columns of a size×size row-major array. */
  vectors: Float64Array;
}

/** Eigen-decomposition of a small symmetric matrix (ml-matrix), sorted by decreasing eigenvalue. */
function symmetricEigen(matrix: Float64Array, size: number): SymmetricEigen {
  const rows = Array.from({ length: size }, (_, i) => Array.from(matrix.subarray(i * size, (i + 1) * size)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const eigenvalues = evd.realEigenvalues;
  const order = eigenvalues.map((_, i) => i).sort((a, b) => eigenvalues[b]! - eigenvalues[a]!);
  const vectors = new Float64Array(size * size);
  const eigenvectors = evd.eigenvectorMatrix;
  order.forEach((source, target) => {
    for (let r = 0; r < size; r++) vectors[r * size + target] = eigenvectors.get(r, source);
  });
  return { values: order.map((i) => Math.max(0, eigenvalues[i]!)), vectors };
}

/** Mᵀ·S·M for small square matrices (row-major, size×size S, size×cols M). */
function congruence(s: Float64Array, m: Float64Array, size: number, cols: number): Float64Array {
  const sm = new Float64Array(size * cols);
  for (let i = 0; i < size; i++)
    for (let k = 0; k < size; k++) {
      const v = s[i * size + k]!;
      for (let j = 0; j < cols; j++) sm[i * cols + j]! += v * m[k * cols + j]!;
    }
  const out = new Float64Array(cols * cols);
  for (let k = 0; k < size; k++)
    for (let i = 0; i < cols; i++) {
      const v = m[k * cols + i]!;
      for (let j = 0; j < cols; j++) out[i * cols + j]! += v * sm[k * cols + j]!;
    }
  return out;
}

export interface TruncatedSvd {
  /** U·Σ: each document's coordinates on the top singular directions (what scikit-learn's TruncatedSVD returns). */
  embedding: DenseMatrix;
  singularValues: number[];
}

/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011) of a sparse matrix X: Y = (X·Xᵀ)^q·X·Ω for a
 * Gaussian Ω, then the top singular triplets of X restricted to Y's column space. Memory stays at
 * O((rows + cols) · rank); X is never densified.
 *
 * Dense tall-matrix products dominate the cost in JavaScript, so the orthonormal basis Q of Y is never
 * formed: with YᵀY = V·Λ·Vᵀ, Q = Y·M for M = V·Λ^-½. With P = Xᵀ·Y, B = Qᵀ·X has B·Bᵀ = Mᵀ·(PᵀP)·M, a small
 * matrix whose eigenvectors W and eigenvalues Σ² give U·Σ = Q·W·Σ = Y·(M·W·Σ): one tall product at the end.
 * Between power iterations we only rescale columns instead of re-orthonormalising; TF-IDF spectra are flat
 * enough that a few iterations keep Y well conditioned, and directions lost to rounding are dropped
 * (eigenvalue threshold) rather than turned into noise.
 */
export function truncatedSvd(
  x: SparseMatrix,
  rank: number,
  rng: Rng,
  options: { oversample?: number; powerIterations?: number } = {},
): TruncatedSvd {
  const width = Math.min(rank + (options.oversample ?? 10), x.rows, x.cols);
  if (width <= 0 || rank <= 0) return { embedding: denseMatrix(x.rows, 0), singularValues: [] };
  const test = denseMatrix(x.cols, width);
  for (let i = 0; i < test.data.length; i++) test.data[i] = rng.normal();

  let y = scaleColumnsToUnitLength(sparseTimesDense(x, test));
  for (let i = 0; i < (options.powerIterations ?? 3); i++) {
    y = scaleColumnsToUnitLength(sparseTimesDense(x, sparseTransposeTimesDense(x, y)));
  }
  const basis = symmetricEigen(gram(y), width);
  const largest = basis.values[0] ?? 0;
  const independent = basis.values.filter((v) => v > largest * 1e-13).length;
  const toOrthonormal = new Float64Array(width * independent);
  for (let r = 0; r < width; r++)
    for (let j = 0; j < independent; j++) {
      toOrthonormal[r * independent + j] = basis.vectors[r * width + j]! / Math.sqrt(basis.values[j]!);
    }

  const projected = gram(sparseTransposeTimesDense(x, y));
  const small = symmetricEigen(congruence(projected, toOrthonormal, width, independent), independent);
  const kept = Math.min(rank, small.values.filter((v) => v > (small.values[0] ?? 0) * 1e-12).length);
  // M·W·Σ for the kept directions, Σ = sqrt(eigenvalues of B·Bᵀ).
  const toEmbedding = new Float64Array(width * kept);
  for (let r = 0; r < width; r++)
    for (let j = 0; j < kept; j++) {
      let sum = 0;
      for (let t = 0; t < independent; t++)
        sum += toOrthonormal[r * independent + t]! * small.vectors[t * independent + j]!;
      toEmbedding[r * kept + j] = sum * Math.sqrt(small.values[j]!);
    }
  return {
    embedding: denseTimesSmall(y, toEmbedding, kept),
    singularValues: small.values.slice(0, kept).map(Math.sqrt),
  };
}
