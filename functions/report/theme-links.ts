import { stemmer } from "stemmer";

/**
 * Links the themes of one stage to the themes of the next (the cycle report's threads). Pure and
 * deterministic: the same themes and overrides always give the same links.
 */
export interface LinkableTheme {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly keyPhrases: readonly string[];
}

export interface ThemeLink {
  readonly fromId: string;
  readonly toId: string;
  /** TF-IDF cosine of the two themes' texts. */
  readonly similarity: number;
  /** True when a leader set this link (or removed the computed one). */
  readonly overridden: boolean;
}

/** Below this, two themes share little more than common words. */
export const linkThreshold = 0.2;

// Words that say nothing about a theme's subject, including the stock words of theme summaries.
const stopwords = new Set(
  `a about above after again against all also am an and any are as at be because been before being
  below between both but by can could did do does doing down during each few for from further had has
  have having he her here hers him his how i if in into is it its itself just let me more most my no nor
  not now of off on once only or other our ours out over own people person same say says she should so
  some such than that the their theirs them then there these they this those through to too under until
  up very was we were what when where which while who whom why will with would wrote you your`.split(/\s+/),
);

export function tokens(text: string): string[] {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !stopwords.has(word))
    .map((word) => stemmer(word));
}

const themeText = (t: LinkableTheme) => [t.title, t.summary, ...t.keyPhrases].join(" ");

type Vector = Map<string, number>;

/** TF-IDF vectors (smoothed idf, as scikit-learn's default), unit length. */
function vectors(documents: readonly string[][]): Vector[] {
  const documentFrequency = new Map<string, number>();
  for (const words of documents) {
    for (const word of new Set(words)) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  }
  const n = documents.length;
  return documents.map((words) => {
    const vector: Vector = new Map();
    for (const word of words) vector.set(word, (vector.get(word) ?? 0) + 1);
    let norm = 0;
    for (const [word, count] of vector) {
      const weight = count * (Math.log((1 + n) / (1 + documentFrequency.get(word)!)) + 1);
      vector.set(word, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    for (const [word, weight] of vector) vector.set(word, norm > 0 ? weight / norm : 0);
    return vector;
  });
}

function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [word, weight] of small) dot += weight * (large.get(word) ?? 0);
  return dot;
}

/** similarity[i][j] between from[i] and to[j]; idf is taken over both stages' themes together. */
export function themeSimilarities(from: readonly LinkableTheme[], to: readonly LinkableTheme[]): number[][] {
  const all = vectors([...from, ...to].map((t) => tokens(themeText(t))));
  return from.map((_, i) => to.map((_, j) => cosine(all[i]!, all[from.length + j]!)));
}

/**
 * Each theme links to at most one theme of the next stage and back, most similar pairs first, so
 * threads never split or merge. Overrides (source theme id → target id, or null to unlink) are
 * applied first and win; overrides naming themes that no longer exist are ignored.
 */
export function linkStages(
  from: readonly LinkableTheme[],
  to: readonly LinkableTheme[],
  overrides: ReadonlyMap<string, string | null> = new Map(),
  threshold = linkThreshold,
): ThemeLink[] {
  const similarity = themeSimilarities(from, to);
  const toIndex = new Map(to.map((t, j) => [t.id, j]));
  const links: ThemeLink[] = [];
  const linkedFrom = new Set<string>();
  const linkedTo = new Set<string>();
  from.forEach((theme, i) => {
    if (!overrides.has(theme.id)) return;
    const target = overrides.get(theme.id);
    linkedFrom.add(theme.id);
    const j = target == null ? undefined : toIndex.get(target);
    if (j === undefined || linkedTo.has(target!)) return;
    linkedTo.add(target!);
    links.push({ fromId: theme.id, toId: target!, similarity: similarity[i]![j]!, overridden: true });
  });
  const candidates = from.flatMap((theme, i) =>
    to.map((target, j) => ({ from: theme.id, to: target.id, similarity: similarity[i]![j]! })),
  );
  candidates.sort(
    (a, b) => b.similarity - a.similarity || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
  for (const pair of candidates) {
    if (pair.similarity < threshold) break;
    if (linkedFrom.has(pair.from) || linkedTo.has(pair.to)) continue;
    linkedFrom.add(pair.from);
    linkedTo.add(pair.to);
    links.push({ fromId: pair.from, toId: pair.to, similarity: pair.similarity, overridden: false });
  }
  return links;
}

/**
 * Threads across stages: each starts at a theme no earlier theme links to, and follows the links
 * forward. Every theme appears in exactly one thread; a stage a thread does not reach is null.
 * Threads come in stage order, then in the order the themes were given.
 */
export function buildThreads<T extends { readonly id: string }>(
  stages: readonly (readonly T[])[],
  links: readonly (readonly ThemeLink[])[],
): (T | null)[][] {
  const forward = links.map((stageLinks) => new Map(stageLinks.map((l) => [l.fromId, l.toId])));
  const reached = stages.map(() => new Set<string>());
  const threads: (T | null)[][] = [];
  stages.forEach((themes, start) => {
    for (const theme of themes) {
      if (reached[start]!.has(theme.id)) continue;
      const thread: (T | null)[] = stages.map(() => null);
      let current: T | undefined = theme;
      for (let stage = start; current && stage < stages.length; stage++) {
        thread[stage] = current;
        reached[stage]!.add(current.id);
        const nextId: string | undefined = forward[stage]?.get(current.id);
        current = nextId === undefined ? undefined : stages[stage + 1]?.find((t) => t.id === nextId);
      }
      threads.push(thread);
    }
  });
  return threads;
}
