/**
 * Clustering agreement scores, matching scikit-learn's normalized_mutual_info_score (arithmetic mean
 * normalisation) and adjusted_rand_score. Labels can be any strings or numbers.
 */

function contingency(truth: ReadonlyArray<string | number>, predicted: ReadonlyArray<string | number>) {
  if (truth.length !== predicted.length) throw new Error("label arrays differ in length");
  const cells = new Map<string, number>();
  const rows = new Map<string | number, number>();
  const cols = new Map<string | number, number>();
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    const key = `${typeof t}:${t}\u0000${typeof p}:${p}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(t, (rows.get(t) ?? 0) + 1);
    cols.set(p, (cols.get(p) ?? 0) + 1);
  });
  return { cells: [...cells.values()], rows: [...rows.values()], cols: [...cols.values()], n: truth.length };
}

function entropy(counts: number[], n: number): number {
  return -counts.reduce((sum, c) => (c > 0 ? sum + (c / n) * Math.log(c / n) : sum), 0);
}

export function normalizedMutualInformation(
  truth: ReadonlyArray<string | number>,
  predicted: ReadonlyArray<string | number>,
): number {
  const { n, rows, cols, cells } = contingency(truth, predicted);
  if (n === 0) return 1;
  const hTruth = entropy(rows, n);
  const hPredicted = entropy(cols, n);
  // Both labelings are a single cluster (or identical trivial ones): perfect agreement by convention.
  if (hTruth === 0 && hPredicted === 0) return 1;
  const joint = entropy(cells, n);
  const mutual = Math.max(0, hTruth + hPredicted - joint);
  return mutual / ((hTruth + hPredicted) / 2);
}

const pairs = (x: number) => (x * (x - 1)) / 2;

export function adjustedRandIndex(
  truth: ReadonlyArray<string | number>,
  predicted: ReadonlyArray<string | number>,
): number {
  const { n, rows, cols, cells } = contingency(truth, predicted);
  const index = cells.reduce((s, c) => s + pairs(c), 0);
  const rowPairs = rows.reduce((s, c) => s + pairs(c), 0);
  const colPairs = cols.reduce((s, c) => s + pairs(c), 0);
  const expected = n > 1 ? (rowPairs * colPairs) / pairs(n) : 0;
  const maximum = (rowPairs + colPairs) / 2;
  // Degenerate case (every labeling trivial): identical partitions by construction.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}
