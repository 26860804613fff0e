import { createRng, type Rng } from "../lib/random.js";
import { autoKDimensions, chooseK } from "./auto-k.js";
import { clusterPoints } from "./cluster.js";
import { classBasedKeyPhrases } from "./key-phrases.js";
import { refineWithNaiveBayes } from "./naive-bayes.js";
import { centralities, extractiveSummary, type Member, pickRepresentatives } from "./representatives.js";
import type { Theme, ThemeInputItem, ThemeReport } from "./schema.js";
import { type DenseMatrix, normalizeRows, type SparseMatrix, selectSparseRows } from "./sparse.js";
import { truncatedSvd } from "./svd.js";
import { buildFeatures, type Features } from "./tfidf.js";
import { stableThemeIds } from "./theme-id.js";
import { compareIds, sortedById } from "./thought-ids.js";
import { labelThemes } from "./titles.js";
import { tokenizeAll } from "./tokenize.js";

export interface ComputeThemesOptions {
  /** Number of themes; chosen automatically when absent. */
  k?: number;
  /** Seed for every random choice; same input and seed give the same report. */
  seed?: number;
  /** Called with a number in [0, 1] as work completes. */
  onProgress?: (fraction: number) => void;
}

const DEFAULT_SEED = 20_240_601;
/** LSA dimensions. On the benchmark 40–60 cluster as well as 100 or 150, at a fraction of the cost. */
const LSA_RANK = 50;
const KEY_PHRASES = 8;
const REPRESENTATIVES = 3;

/** Auto k is never below 2 (one theme is no finding); the gap peaks near the dimension count, so twice that is plenty. */
function autoKRange(count: number) {
  return { minK: 2, maxK: Math.min(40, 2 * autoKDimensions(count)) };
}

function countDistinctRows(x: SparseMatrix): number {
  const seen = new Set<string>();
  for (let i = 0; i < x.rows; i++) {
    const start = x.rowStart[i]!;
    const end = x.rowStart[i + 1]!;
    seen.add(
      `${x.colIndex.subarray(start, end).join(",")}|${Array.from(x.values.subarray(start, end), (v) => v.toFixed(6)).join(",")}`,
    );
  }
  return seen.size;
}

function extractFeatures(texts: readonly string[]): Features {
  const tokens = tokenizeAll(texts);
  const n = tokens.length;
  // No upper document-frequency cut: IDF already mutes words everyone uses, and a cut would strip the
  // words of a thought many people wrote alike, leaving the most common thought in no theme at all.
  const features = buildFeatures(tokens, { minDf: n >= 20 ? 2 : 1, maxDfShare: 1, bigrams: true });
  if (features.terms.length > 0) return features;
  // No word occurs twice anywhere: rather than nothing, work with every word.
  return buildFeatures(tokens, { minDf: 1, maxDfShare: 1, bigrams: true });
}

/** Rows (documents) with at least one feature, and the matrices restricted to them. */
function withFeatures(features: Features) {
  const rows: number[] = [];
  for (let i = 0; i < features.tfidf.rows; i++) {
    if (features.tfidf.rowStart[i + 1]! > features.tfidf.rowStart[i]!) rows.push(i);
  }
  const restricted = {
    ...features,
    tfidf: selectSparseRows(features.tfidf, rows),
    counts: selectSparseRows(features.counts, rows),
  };
  return { rows, features: restricted };
}

function chooseThemeCount(
  embedding: DenseMatrix,
  distinct: number,
  requested: number | undefined,
  rng: Rng,
  notes: string[],
  onProgress: (fraction: number) => void,
): number {
  if (requested !== undefined) {
    const k = Math.min(requested, distinct);
    if (k !== requested)
      notes.push(`Asked for ${requested} themes; ${k} possible with ${distinct} distinct thoughts.`);
    return k;
  }
  if (distinct < 4) return 1;
  const { minK, maxK } = autoKRange(embedding.rows);
  return chooseK(embedding, { minK, maxK: Math.min(maxK, distinct - 1), rng, onProgress }).k;
}

/** Labels per featured row, with clusters renumbered 0..k-1 by first appearance and tiny ones dissolved. */
function clusterRows(
  embedding: DenseMatrix,
  counts: SparseMatrix,
  k: number,
  automatic: boolean,
  rng: Rng,
): { labels: Int32Array; k: number } {
  if (k <= 1) return { labels: new Int32Array(embedding.rows), k: 1 };
  const initial = clusterPoints(embedding, k, { sampleSize: 3000, restarts: 10, rng });
  let labels = refineWithNaiveBayes(counts, initial.labels, k, { alpha: 1, maxRounds: 30 });
  if (automatic) {
    // With k chosen for us, a cluster of a couple of outliers is not a theme: fold its members into the
    // clusters that explain them best.
    const minimum = embedding.rows >= 50 ? 3 : 1;
    const sizes = new Int32Array(k);
    for (const label of labels) sizes[label]!++;
    if (
      sizes.some((size) => size > 0 && size < minimum) &&
      sizes.filter((size) => size >= minimum).length > 0
    ) {
      const pruned = Int32Array.from(labels, (label) => (sizes[label]! < minimum ? -1 : label));
      labels = refineWithNaiveBayes(counts, pruned, k, { alpha: 1, maxRounds: 1 });
    }
  }
  const renumber = new Map<number, number>();
  const compact = Int32Array.from(labels, (label) => {
    if (!renumber.has(label)) renumber.set(label, renumber.size);
    return renumber.get(label)!;
  });
  return { labels: compact, k: renumber.size };
}

/**
 * The offline theme engine: TF-IDF over words and bigrams → randomized SVD (LSA) → k-means (automatic k by
 * the silhouette gap, see auto-k.ts) → naive Bayes refinement on the full counts → class-based TF-IDF key
 * terms (for stable ids) → titles and labels from noun phrases (titles.ts) → extractive summaries. Pure and deterministic: input order does not matter (items are
 * processed in id order) and every random choice comes from the seeded generator.
 */
export function computeThemes(
  items: readonly ThemeInputItem[],
  options: ComputeThemesOptions = {},
): ThemeReport {
  if (options.k !== undefined && !(Number.isInteger(options.k) && options.k >= 1)) {
    throw new RangeError(`k must be a positive integer, got ${options.k}`);
  }
  const progress = (fraction: number) => options.onProgress?.(Math.min(1, Math.max(0, fraction)));
  const notes: string[] = [];
  const ordered = sortedById(items);
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  progress(0);
  const all = extractFeatures(ordered.map((item) => item.text));
  const { rows, features } = withFeatures(all);
  const unassigned = ordered
    .filter((_, i) => all.tfidf.rowStart[i + 1] === all.tfidf.rowStart[i])
    .map((item) => item.id);
  if (unassigned.length > 0)
    notes.push(
      unassigned.length === 1
        ? "1 thought has no words in common with the others and is in no theme."
        : `${unassigned.length} thoughts have no words in common with the others and are in no theme.`,
    );
  progress(0.15);
  if (rows.length === 0) {
    progress(1);
    return {
      engine: "offline",
      k: 0,
      themes: [],
      ...(unassigned.length ? { unassigned } : {}),
      ...(notes.length ? { notes } : {}),
    };
  }

  const svd = truncatedSvd(features.tfidf, Math.min(LSA_RANK, rows.length), rng);
  const embedding = normalizeRows(svd.embedding);
  progress(0.35);
  const distinct = countDistinctRows(features.tfidf);
  const requested = chooseThemeCount(embedding, distinct, options.k, rng, notes, (f) =>
    progress(0.35 + 0.4 * f),
  );
  progress(0.75);
  const { labels, k } = clusterRows(embedding, features.counts, requested, options.k === undefined, rng);
  if (options.k !== undefined && k < requested)
    notes.push(`Only ${k} of the ${requested} requested themes held any thoughts.`);
  progress(0.9);

  const themes = buildThemes(ordered, rows, labels, k, features, embedding);
  progress(1);
  return {
    engine: "offline",
    k: themes.length,
    themes,
    ...(unassigned.length ? { unassigned } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

function buildThemes(
  ordered: readonly ThemeInputItem[],
  rows: readonly number[],
  labels: Int32Array,
  k: number,
  features: Features,
  embedding: DenseMatrix,
): Theme[] {
  const phrases = classBasedKeyPhrases(features, labels, k, KEY_PHRASES);
  const clusters = Array.from({ length: k }, (_, c) => {
    const memberRows = [...labels.keys()].filter((row) => labels[row] === c);
    const centrality = centralities(embedding, memberRows);
    const members: Member[] = memberRows.map((row, i) => {
      const item = ordered[rows[row]!]!;
      return { index: row, id: item.id, text: item.text, score: item.score, centrality: centrality[i]! };
    });
    const central = [...members].sort((a, b) => b.centrality - a.centrality || compareIds(a.id, b.id));
    return { members, central };
  });
  const named = labelThemes(
    clusters.map(({ central }, c) => ({ texts: central.map((m) => m.text), keyPhrases: phrases[c]! })),
  );
  const drafts = clusters.map(({ members }, c) => {
    const representatives = pickRepresentatives(members, REPRESENTATIVES);
    const { title, labels: themeLabels } = named[c]!;
    return {
      keyTerms: phrases[c]!.map((p) => p.term),
      theme: {
        id: "",
        title,
        summary: extractiveSummary(members.length, themeLabels, representatives),
        keyPhrases: themeLabels,
        thoughtIds: members.map((m) => m.id).sort(compareIds),
        representativeIds: representatives.map((m) => m.id),
        size: members.length,
      } satisfies Theme,
    };
  });
  drafts.sort(
    (a, b) => b.theme.size - a.theme.size || compareIds(a.theme.thoughtIds[0]!, b.theme.thoughtIds[0]!),
  );
  const ids = stableThemeIds(drafts.map((d) => d.keyTerms));
  return drafts.map((draft, i) => ({ ...draft.theme, id: ids[i]! }));
}
