import type { Features } from "./tfidf.js";

export interface KeyPhrase {
  /** Feature key (stems), used for stable ids. */
  term: string;
  /** As written, for people. */
  surface: string;
  score: number;
}

/**
 * Class-based TF-IDF (as in BERTopic): treat each theme as one big document and weight each term by
 * (share of the theme's documents containing it) × log(1 + average documents per theme / documents
 * containing it overall). Terms common everywhere score low even if frequent in the theme; a term that
 * a theme has almost to itself scores high. Document counts rather than raw counts, so one person
 * repeating a word cannot make it a key phrase.
 */
export function classBasedKeyPhrases(
  features: Features,
  labels: Int32Array,
  k: number,
  limit: number,
): KeyPhrase[][] {
  const { counts, terms, surfaces } = features;
  const perTheme = Array.from({ length: k }, () => new Map<number, number>());
  const themeSizes = new Int32Array(k);
  const overall = new Float64Array(terms.length);
  for (let i = 0; i < counts.rows; i++) {
    const c = labels[i]!;
    if (c < 0) continue;
    themeSizes[c]!++;
    for (let p = counts.rowStart[i]!; p < counts.rowStart[i + 1]!; p++) {
      const term = counts.colIndex[p]!;
      perTheme[c]!.set(term, (perTheme[c]!.get(term) ?? 0) + 1);
      overall[term]! += 1;
    }
  }
  const assigned = themeSizes.reduce((sum, size) => sum + size, 0);
  const averagePerTheme = assigned / Math.max(1, themeSizes.filter((size) => size > 0).length);
  return perTheme.map((termCounts, c) => {
    const scored: KeyPhrase[] = [];
    for (const [term, count] of termCounts) {
      // A phrase only one member used says little about a theme of several.
      if (count < 2 && themeSizes[c]! >= 4) continue;
      const score = (count / themeSizes[c]!) * Math.log(1 + averagePerTheme / overall[term]!);
      scored.push({ term: terms[term]!, surface: surfaces[term]!, score });
    }
    scored.sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    return dropRedundant(scored, limit);
  });
}

/** A bigram at least this strong relative to its word is the better phrase ("technical debt" over "debt"). */
const PHRASE_PREFERENCE = 0.6;

/**
 * Picks phrases best first without repeating a word: "visual studio" makes "visual" and "studio" redundant.
 * A word gives way to a bigram containing it when the bigram is nearly as distinctive, because "technical
 * debt" reads better than "debt" and usually scores the same (the two occur together).
 */
function dropRedundant(sorted: KeyPhrase[], limit: number): KeyPhrase[] {
  const chosen: KeyPhrase[] = [];
  const usedWords = new Set<string>();
  const overlaps = (phrase: KeyPhrase) => phrase.term.split(" ").some((word) => usedWords.has(word));
  for (const phrase of sorted) {
    if (chosen.length >= limit) break;
    let candidate = phrase;
    if (!phrase.term.includes(" ")) {
      const bigram = sorted.find(
        (other) =>
          other.term.split(" ").length === 2 &&
          other.term.split(" ").includes(phrase.term) &&
          other.score >= PHRASE_PREFERENCE * phrase.score &&
          !overlaps(other),
      );
      if (bigram) candidate = bigram;
    }
    if (overlaps(candidate)) continue;
    chosen.push(candidate);
    for (const word of candidate.term.split(" ")) usedWords.add(word);
  }
  return chosen;
}
