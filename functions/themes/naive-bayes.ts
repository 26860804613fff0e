import type { SparseMatrix } from "./sparse.js";

export interface NaiveBayesOptions {
  /** Laplace smoothing added to every word count. */
  alpha: number;
  maxRounds: number;
}

/**
 * Refines a clustering by classification EM with a multinomial naive Bayes model over the full (sparse)
 * word and bigram counts: fit one word distribution per cluster, move every document to the cluster that
 * explains it best, repeat until nothing moves.
 *
 * Why: k-means on the reduced (LSA) space sees only the top directions, so short texts whose words fall
 * outside them land somewhat arbitrarily. The count model uses every feature; on the StackOverflow benchmark
 * it lifts NMI by about 0.03 and roughly doubles ARI. Class priors are deliberately left out (uniform), so
 * large clusters do not snowball. Documents labelled -1 are not used for fitting but are assigned.
 */
export function refineWithNaiveBayes(
  counts: SparseMatrix,
  initial: Int32Array,
  k: number,
  options: NaiveBayesOptions,
): Int32Array {
  const { rows: n, cols: vocabulary, rowStart, colIndex, values } = counts;
  let labels = Int32Array.from(initial);
  const logProbability = new Float64Array(k * vocabulary);
  const totals = new Float64Array(k);
  for (let round = 0; round < options.maxRounds; round++) {
    logProbability.fill(0);
    totals.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      if (c < 0) continue;
      for (let p = rowStart[i]!; p < rowStart[i + 1]!; p++) {
        logProbability[c * vocabulary + colIndex[p]!]! += values[p]!;
        totals[c]! += values[p]!;
      }
    }
    for (let c = 0; c < k; c++) {
      const denominator = Math.log(totals[c]! + options.alpha * vocabulary);
      for (let w = c * vocabulary; w < (c + 1) * vocabulary; w++) {
        logProbability[w] = Math.log(logProbability[w]! + options.alpha) - denominator;
      }
    }
    const next = new Int32Array(n);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = Math.max(0, labels[i]!);
      if (rowStart[i] !== rowStart[i + 1]) {
        let bestScore = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < k; c++) {
          if (totals[c] === 0) continue;
          let score = 0;
          const offset = c * vocabulary;
          for (let p = rowStart[i]!; p < rowStart[i + 1]!; p++)
            score += values[p]! * logProbability[offset + colIndex[p]!]!;
          if (score > bestScore) {
            bestScore = score;
            best = c;
          }
        }
      }
      if (best !== labels[i]) changed++;
      next[i] = best;
    }
    labels = next;
    if (changed === 0) break;
  }
  return labels;
}
