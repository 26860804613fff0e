/** Compressed sparse rows: row i's entries are colIndex/values[rowStart[i] .. rowStart[i + 1]). */
export interface SparseMatrix {
  rows: number;
  cols: number;
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

/** A dense matrix stored row after row in one typed array (cheap to allocate, cache friendly). */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function denseMatrix(rows: number, cols: number): DenseMatrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** X · D for sparse X (n×m) and dense D (m×c). */
export function sparseTimesDense(x: SparseMatrix, d: DenseMatrix): DenseMatrix {
  const c = d.cols;
  const out = denseMatrix(x.rows, c);
  for (let i = 0; i < x.rows; i++) {
    const target = i * c;
    for (let p = x.rowStart[i]!; p < x.rowStart[i + 1]!; p++) {
      const v = x.values[p]!;
      const source = x.colIndex[p]! * c;
      for (let k = 0; k < c; k++) out.data[target + k]! += v * d.data[source + k]!;
    }
  }
  return out;
}

/** Xᵀ · D for sparse X (n×m) and dense D (n×c). */
export function sparseTransposeTimesDense(x: SparseMatrix, d: DenseMatrix): DenseMatrix {
  const c = d.cols;
  const out = denseMatrix(x.cols, c);
  for (let i = 0; i < x.rows; i++) {
    const source = i * c;
    for (let p = x.rowStart[i]!; p < x.rowStart[i + 1]!; p++) {
      const v = x.values[p]!;
      const target = x.colIndex[p]! * c;
      for (let k = 0; k < c; k++) out.data[target + k]! += v * d.data[source + k]!;
    }
  }
  return out;
}

/** Aᵀ · A (c×c, symmetric) for dense A (n×c). */
export function gram(a: DenseMatrix): Float64Array {
  const c = a.cols;
  const out = new Float64Array(c * c);
  for (let i = 0; i < a.rows; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) {
      const v = a.data[row + j]!;
      if (v === 0) continue;
      for (let k = j; k < c; k++) out[j * c + k]! += v * a.data[row + k]!;
    }
  }
  for (let j = 0; j < c; j++) for (let k = 0; k < j; k++) out[j * c + k] = out[k * c + j]!;
  return out;
}

/** A · M for dense A (n×c) and small M given as c×m row-major array. */
export function denseTimesSmall(a: DenseMatrix, m: Float64Array, mCols: number): DenseMatrix {
  const c = a.cols;
  const out = denseMatrix(a.rows, mCols);
  for (let i = 0; i < a.rows; i++) {
    const row = i * c;
    const target = i * mCols;
    for (let j = 0; j < c; j++) {
      const v = a.data[row + j]!;
      if (v === 0) continue;
      const source = j * mCols;
      for (let k = 0; k < mCols; k++) out.data[target + k]! += v * m[source + k]!;
    }
  }
  return out;
}

/** Scales every row to unit Euclidean length (zero rows stay zero). */
export function normalizeRows(a: DenseMatrix): DenseMatrix {
  const c = a.cols;
  for (let i = 0; i < a.rows; i++) {
    let norm = 0;
    for (let k = 0; k < c; k++) norm += a.data[i * c + k]! ** 2;
    if (norm === 0) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let k = 0; k < c; k++) a.data[i * c + k]! *= scale;
  }
  return a;
}

/** Rescales every column to unit length, in place (keeps power iterations from overflowing). */
export function scaleColumnsToUnitLength(a: DenseMatrix): DenseMatrix {
  const { rows, cols, data } = a;
  const norms = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) norms[j]! += data[i * cols + j]! ** 2;
  for (let j = 0; j < cols; j++) norms[j] = norms[j]! > 0 ? 1 / Math.sqrt(norms[j]!) : 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j]! *= norms[j]!;
  return a;
}

/** The given rows of a sparse matrix, in the given order. */
export function selectSparseRows(m: SparseMatrix, rows: readonly number[]): SparseMatrix {
  const rowStart = new Int32Array(rows.length + 1);
  let size = 0;
  for (const row of rows) size += m.rowStart[row + 1]! - m.rowStart[row]!;
  const colIndex = new Int32Array(size);
  const values = new Float64Array(size);
  let at = 0;
  rows.forEach((row, i) => {
    const start = m.rowStart[row]!;
    const end = m.rowStart[row + 1]!;
    colIndex.set(m.colIndex.subarray(start, end), at);
    values.set(m.values.subarray(start, end), at);
    at += end - start;
    rowStart[i + 1] = at;
  });
  return { rows: rows.length, cols: m.cols, rowStart, colIndex, values };
}
