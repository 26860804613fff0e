import type { SparseMatrix } from "./sparse.js";
import type { Token } from "./tokenize.js";

export interface TfidfOptions {
  /** Keep features found in at least this many documents (drops typos and one-off words). */
  minDf: number;
  /** Drop features found in more than this share of documents (they separate nothing). */
  maxDfShare: number;
  /** Bigrams carry phrases ("remote work", "visual studio") that single words lose. */
  bigrams: boolean;
}

export interface Features {
  /** Sublinear TF × smoothed IDF, rows L2-normalised; one row per document. */
  tfidf: SparseMatrix;
  /** Raw term counts with the same layout, used for class-based TF-IDF. */
  counts: SparseMatrix;
  /** Feature keys: a stem, or two stems separated by a space. */
  terms: string[];
  /** Most frequent written form of each feature, for titles and key phrases. */
  surfaces: string[];
  /** Number of documents containing each feature. */
  documentFrequency: Int32Array;
}

interface DocumentTerms {
  keys: string[];
  surfaces: string[];
}

function documentTerms(tokens: Token[], bigrams: boolean): DocumentTerms {
  const keys: string[] = [];
  const surfaces: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    keys.push(token.stem);
    surfaces.push(token.surface);
    const next = tokens[i + 1];
    if (bigrams && next?.followsPrevious && next.stem !== token.stem) {
      keys.push(`${token.stem} ${next.stem}`);
      surfaces.push(`${token.surface}${next.joiner}${next.surface}`);
    }
  }
  return { keys, surfaces };
}

function pickSurface(forms: Map<string, number>): string {
  let best = "";
  let bestCount = -1;
  for (const [form, count] of forms) {
    if (count > bestCount || (count === bestCount && form < best)) {
      best = form;
      bestCount = count;
    }
  }
  return best;
}

/** Builds sparse TF-IDF (and raw count) matrices over words and bigrams, like scikit-learn's TfidfVectorizer
 * with sublinear_tf, smooth_idf and norm="l2". Terms are sorted so the column order never depends on input order. */
export function buildFeatures(documents: Token[][], options: TfidfOptions): Features {
  const perDocument = documents.map((tokens) => documentTerms(tokens, options.bigrams));
  const df = new Map<string, number>();
  for (const { keys } of perDocument) for (const key of new Set(keys)) df.set(key, (df.get(key) ?? 0) + 1);

  const maxDf = Math.max(options.minDf, Math.floor(options.maxDfShare * documents.length));
  const terms = [...df.entries()]
    .filter(([, count]) => count >= options.minDf && count <= maxDf)
    .map(([key]) => key)
    .sort();
  const column = new Map(terms.map((term, index) => [term, index]));
  const documentFrequency = Int32Array.from(terms, (term) => df.get(term)!);
  const n = documents.length;
  const idf = Float64Array.from(documentFrequency, (d) => Math.log((1 + n) / (1 + d)) + 1);

  const surfaceCounts = terms.map(() => new Map<string, number>());
  const rowStart = new Int32Array(n + 1);
  const colIndex: number[] = [];
  const weights: number[] = [];
  const counts: number[] = [];
  perDocument.forEach(({ keys, surfaces }, row) => {
    const termCounts = new Map<number, number>();
    keys.forEach((key, i) => {
      const col = column.get(key);
      if (col === undefined) return;
      termCounts.set(col, (termCounts.get(col) ?? 0) + 1);
      const forms = surfaceCounts[col]!;
      forms.set(surfaces[i]!, (forms.get(surfaces[i]!) ?? 0) + 1);
    });
    const cols = [...termCounts.keys()].sort((a, b) => a - b);
    const rowWeights = cols.map((col) => (1 + Math.log(termCounts.get(col)!)) * idf[col]!);
    const norm = Math.sqrt(rowWeights.reduce((sum, w) => sum + w * w, 0)) || 1;
    cols.forEach((col, i) => {
      colIndex.push(col);
      weights.push(rowWeights[i]! / norm);
      counts.push(termCounts.get(col)!);
    });
    rowStart[row + 1] = colIndex.length;
  });

  const shape = { rows: n, cols: terms.length, rowStart, colIndex: Int32Array.from(colIndex) };
  return {
    tfidf: { ...shape, values: Float64Array.from(weights) },
    counts: { ...shape, values: Float64Array.from(counts) },
    terms,
    surfaces: surfaceCounts.map(pickSurface),
    documentFrequency,
  };
}
