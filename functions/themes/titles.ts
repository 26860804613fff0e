import type { KeyPhrase } from "./key-phrases.js";
import { type NounPhrase, nounPhrases } from "./noun-phrases.js";

/**
 * Titles and labels a person would write: noun phrases drawn from the theme's own thoughts
 * ("Store pay and career paths", labels "store pay · bike techs · certifications"), chosen the
 * way key phrases are (class-based: frequent in this theme, rare elsewhere) and nudged towards
 * the words the clustering found distinctive, so the title names what holds the theme together.
 */
export interface ThemeText {
  /** Member texts, most central first: the sample read for phrases is taken from the front. */
  readonly texts: readonly string[];
  /** The theme's class-based TF-IDF key phrases (words and bigrams), best first. */
  readonly keyPhrases: readonly KeyPhrase[];
}

export interface ThemeLabels {
  readonly title: string;
  /** Noun phrases, best first; the key phrases' words when no noun phrase stands out. */
  readonly labels: string[];
}

/** Thoughts read per theme: enough for its phrases to recur, few enough to bound the work. */
const SAMPLE = 60;
const LABELS = 8;
/** A longer phrase this strong relative to a word inside it is the better label ("store pay" over "pay"). */
const PHRASE_PREFERENCE = 0.5;
/** A second phrase this strong relative to the first joins the title ("Store pay and career paths"). */
const SECOND_PHRASE = 0.6;
const MAX_TITLE_WORDS = 6;
const MULTIWORD_BONUS = 0.5;
/** A phrase around a lone top word this strong relative to it titles the theme instead ("store managers"). */
const TITLE_PHRASE = 0.25;
/** Labels after the first that may join it in the title. */
const TITLE_CANDIDATES = 5;

interface Scored {
  readonly phrase: NounPhrase;
  readonly surface: string;
  readonly score: number;
}

/** Stems, so "boxes" in one phrase and "box" in another count as the same word. */
const wordsOf = (p: Scored) => p.phrase.stems;

function mostCommon(forms: Map<string, number>): string {
  let best = "";
  let count = -1;
  for (const [form, n] of forms) if (n > count || (n === count && form < best)) [best, count] = [form, n];
  return best;
}

const WORD = /\p{L}[\p{L}\p{M}\p{N}'’-]*/gu;
const SENTENCE_END = /(?:^|[.!?\n])\s*$/;
const KEEP_CASE = /\p{Lu}.*\p{Lu}|\d|^\p{Ll}+\p{Lu}/u;

/**
 * How each word is written inside sentences, across the sampled texts: "Reno" mostly, "pay"
 * mostly. The tagger reads sentence starts lower-cased, so a phrase's own form cannot tell
 * whether "reno" was "Reno"; the writers' habit elsewhere can.
 */
function writtenCase(texts: Iterable<string>): (word: string) => string {
  const votes = new Map<string, number>();
  for (const text of texts) {
    for (const match of text.matchAll(WORD)) {
      if (SENTENCE_END.test(text.slice(Math.max(0, match.index - 3), match.index))) continue;
      const lower = match[0].toLowerCase();
      const capitalised = /^\p{Lu}\p{Ll}/u.test(match[0]);
      votes.set(lower, (votes.get(lower) ?? 0) + (capitalised ? 1 : -1));
    }
  }
  return (word) => {
    if (KEEP_CASE.test(word)) return word;
    const lower = word.toLowerCase();
    return (votes.get(lower) ?? 0) > 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
  };
}

export function labelThemes(themes: readonly ThemeText[]): ThemeLabels[] {
  const recase = writtenCase(themes.flatMap((theme) => theme.texts.slice(0, SAMPLE)));
  const perTheme = themes.map((theme) => {
    const sample = theme.texts.slice(0, SAMPLE);
    const df = new Map<string, { phrase: NounPhrase; count: number; forms: Map<string, number> }>();
    for (const text of sample) {
      for (const phrase of nounPhrases(text)) {
        const entry = df.get(phrase.key) ?? { phrase, count: 0, forms: new Map<string, number>() };
        entry.count++;
        entry.forms.set(phrase.surface, (entry.forms.get(phrase.surface) ?? 0) + 1);
        df.set(phrase.key, entry);
      }
    }
    return { size: sample.length, df };
  });
  const overall = new Map<string, number>();
  for (const { df } of perTheme)
    for (const [key, e] of df) overall.set(key, (overall.get(key) ?? 0) + e.count);
  const sampled = perTheme.reduce((sum, t) => sum + t.size, 0);
  const averagePerTheme = sampled / Math.max(1, perTheme.filter((t) => t.size > 0).length);

  return themes.map((theme, c) => {
    const { size, df } = perTheme[c]!;
    const distinctive = new Set(theme.keyPhrases.slice(0, 4).flatMap((p) => p.term.split(" ")));
    const scored: Scored[] = [];
    for (const [key, entry] of df) {
      // A phrase only one member used says little about a theme of several.
      if (entry.count < 2 && size >= 4) continue;
      const matches = entry.phrase.stems.filter((stem) => distinctive.has(stem)).length;
      // Two or three words name a topic better than one: "store pay" says what "pay" only hints at.
      const length = entry.phrase.stems.length;
      const score =
        (entry.count / size) *
        Math.log(1 + averagePerTheme / overall.get(key)!) *
        (1 + 0.5 * matches) *
        (1 + MULTIWORD_BONUS * (length - 1));
      const surface = mostCommon(entry.forms).split(" ").map(recase).join(" ");
      scored.push({ phrase: entry.phrase, surface, score });
    }
    scored.sort(
      (a, b) => b.score - a.score || (a.phrase.key < b.phrase.key ? -1 : a.phrase.key > b.phrase.key ? 1 : 0),
    );
    const labels = pickLabels(scored);
    if (labels.length === 0) return fallback(theme.keyPhrases);
    return { title: titleOf(labels, scored), labels: labels.map((l) => l.surface) };
  });
}

/** Best first, no word twice; a phrase gives way to a nearly as strong longer one around its head. */
function pickLabels(sorted: readonly Scored[]): Scored[] {
  const chosen: Scored[] = [];
  const used = new Set<string>();
  const overlaps = (p: Scored) => wordsOf(p).some((w) => used.has(w));
  for (const phrase of sorted) {
    if (chosen.length >= LABELS) break;
    let candidate = phrase;
    const words = wordsOf(phrase);
    // Only a phrase with the same head: "store pay" for "pay", never "boxes waste" for "boxes".
    const longer = sorted.find(
      (other) =>
        wordsOf(other).length > words.length &&
        other.phrase.key.endsWith(` ${phrase.phrase.key}`) &&
        other.score >= PHRASE_PREFERENCE * phrase.score &&
        !overlaps(other),
    );
    if (longer) candidate = longer;
    if (overlaps(candidate)) continue;
    chosen.push(candidate);
    for (const w of wordsOf(candidate)) used.add(w);
  }
  return chosen;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The strongest phrase, joined by a second when that one is nearly as strong or the first is a
 * single word. Two single words ("Pay and Reno") read as keywords, not a title: a lone word is
 * joined by the best phrase of two or three words among the top labels instead, when there is one.
 */
function titleOf(labels: readonly Scored[], scored: readonly Scored[]): string {
  let [first, ...rest] = labels;
  if (wordsOf(first!).length === 1) {
    // A lone word gives way, in the title, to a phrase around it that at least some thoughts use.
    const word = wordsOf(first!)[0]!;
    const around = scored.find(
      (p) => wordsOf(p).length > 1 && wordsOf(p).includes(word) && p.score >= TITLE_PHRASE * first!.score,
    );
    if (around) {
      first = around;
      rest = rest.filter((p) => !wordsOf(p).some((w) => wordsOf(around).includes(w)));
    }
  }
  const firstWords = wordsOf(first!).length;
  const fits = (other: Scored) => firstWords + wordsOf(other).length <= MAX_TITLE_WORDS - 1;
  const top = rest.slice(0, TITLE_CANDIDATES).filter(fits);
  if (firstWords > 1) {
    const second = top.find((other) => other.score >= SECOND_PHRASE * first!.score);
    return capitalise(second ? `${first!.surface} and ${second.surface}` : first!.surface);
  }
  // A lone word is joined by a phrase: the best of two or three words that recurs in the theme.
  const used = new Set(wordsOf(first!));
  const phrase =
    top.find((other) => wordsOf(other).length > 1) ??
    scored.find(
      (other) => wordsOf(other).length > 1 && fits(other) && !wordsOf(other).some((w) => used.has(w)),
    );
  if (phrase) return capitalise(`${first!.surface} and ${phrase.surface}`);
  // One word alone is too terse to scan in a list of themes.
  return `Thoughts on ${first!.surface}`;
}

/**
 * Text the tagger finds no noun phrase in (another language, code, a list of names): the key
 * phrases' own words, as a phrase ("Remote work and office days"), never a comma list.
 */
function fallback(keyPhrases: readonly KeyPhrase[]): ThemeLabels {
  const labels = keyPhrases.map((p) => p.surface);
  if (labels.length === 0) return { title: "Miscellaneous thoughts", labels };
  if (labels.length === 1 || labels[0]!.includes(" ")) {
    const title = labels[0]!.includes(" ") ? capitalise(labels[0]!) : `Thoughts on ${labels[0]}`;
    return { title, labels };
  }
  return { title: capitalise(`${labels[0]} and ${labels[1]}`), labels };
}
