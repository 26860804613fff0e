import { stemmer } from "stemmer";
import { ENGLISH_STOP_WORDS } from "./stopwords.js";

/** A kept word: `stem` is what features are built from, `surface` the word as written (for titles). */
export interface Token {
  stem: string;
  surface: string;
  /** Written right after the previous kept token (see PHRASE_GAP): the two form a phrase. */
  followsPrevious: boolean;
  /** What joins it to the previous token in a phrase as written: " ", "-", "/" or ".". */
  joiner: string;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
// Scripts written without spaces: a "word" there is a whole phrase, so we fall back to character
// bigrams, the usual cheap substitute for a segmenter.
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const ASCII_WORD = /^[a-z]+$/;
const DIGITS = /^\p{N}+$/u;
const CAPITALIZED = /^\p{Lu}[^\p{Lu}]*$/u;
const SENTENCE_END = /[.!?\n]\s*$/;
// Words form a phrase when only spaces, or one hyphen, slash or dot, separate them ("PL/SQL", "ASP.NET").
const PHRASE_GAP = /^(?:[ \t]+|[-/.])$/;

const stemCache = new Map<string, string>();

/** Porter stem of a plain lower-case English word; other words are their own stem. */
export function stemOf(word: string): string {
  if (!ASCII_WORD.test(word)) return word;
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = stemmer(word);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

function characterBigrams(word: string): string[] {
  const chars = Array.from(word);
  if (chars.length < 2) return chars;
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  return grams;
}

interface Word extends Token {
  /** Written with one leading capital ("Apple", "Seattle"; not "SQL"), wherever it stands. */
  readonly capitalised: boolean;
  readonly sentenceStart: boolean;
}

/**
 * Splits on anything that is not a letter, mark or digit (any script), drops English stop words,
 * one-letter words and bare numbers, and Porter-stems plain English words. The surface keeps the
 * writer's casing ("SQL", "Berlin"), except a capital that only marks the start of a sentence.
 * One text alone: names are never joined (that needs the corpus, see tokenizeAll).
 */
export function tokenize(text: string): Token[] {
  return words(text).tokens.map(plain);
}

/**
 * Every text of a corpus, as `tokenize` does, except that a name of several capitalised words
 * ("Apple Pay") becomes one token when a word of it is, on its own, a common lower-case word
 * elsewhere in the corpus, which then is left out: in "Apple Pay", "Pay" is not the common word
 * "pay", so the name must not pull thoughts about pay towards checkout. A name whose words are
 * names on their own too ("Windows Vista"), or that people also type in lower case ("visual
 * studio"), stays as its words: joining it would split one topic by how people type.
 */
export function tokenizeAll(texts: readonly string[]): Token[][] {
  const parsed = texts.map(words);
  // How each stem is written on its own, inside sentences: + capitalised, − lower case.
  const alone = new Map<string, number>();
  for (const { tokens, titleCase } of parsed) {
    if (titleCase) continue;
    tokens.forEach((t, i) => {
      if (t.sentenceStart || inRun(tokens, i)) return;
      if (t.capitalised) alone.set(t.stem, (alone.get(t.stem) ?? 0) + 1);
      else if (t.surface === t.surface.toLowerCase()) alone.set(t.stem, (alone.get(t.stem) ?? 0) - 1);
    });
  }
  // Word sequences written in lower case: "visual studio" typed so is the same name as "Visual Studio".
  const lowerCase = new Set<string>();
  for (const { tokens } of parsed) {
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.surface !== tokens[i]!.surface.toLowerCase()) continue;
      let key = tokens[i]!.stem;
      for (let j = i + 1; j < tokens.length && j < i + MAX_NAME_WORDS; j++) {
        const next = tokens[j]!;
        if (!next.followsPrevious || next.surface !== next.surface.toLowerCase()) break;
        key += ` ${next.stem}`;
        lowerCase.add(key);
      }
    }
  }
  return parsed.map(({ tokens, titleCase }) =>
    titleCase
      ? tokens.map(plain)
      : joinNames(
          tokens,
          (run) => !lowerCase.has(run.join(" ")),
          (stem) => (alone.get(stem) ?? 0) >= 0,
        ),
  );
}

/** The word after `i` continues a run of capitalised words from `i`. */
function inRunAfter(tokens: readonly Word[], i: number): boolean {
  const a = tokens[i]!;
  const b = tokens[i + 1];
  return (
    b !== undefined &&
    a.capitalised &&
    b.capitalised &&
    !b.sentenceStart &&
    b.followsPrevious &&
    b.joiner === " "
  );
}

/** Part of a run of capitalised words written next to each other. */
function inRun(tokens: readonly Word[], i: number): boolean {
  return (i > 0 && inRunAfter(tokens, i - 1)) || inRunAfter(tokens, i);
}

const MAX_NAME_WORDS = 4;

/** Past this share of capitalised words inside sentences, capitals are a style (Title Case), not names. */
const TITLE_CASE_SHARE = 0.5;

function words(text: string): { tokens: Word[]; titleCase: boolean } {
  const tokens: Word[] = [];
  // Every word inside a sentence, stop words included: in Title Case they are capitalised too.
  let inside = 0;
  let capitalisedInside = 0;
  const normalized = text.normalize("NFKC");
  let previousKeptEnd = -1;
  for (const match of normalized.matchAll(WORD)) {
    const written = match[0];
    const word = written.toLowerCase();
    const gap = previousKeptEnd >= 0 ? normalized.slice(previousKeptEnd, match.index) : "";
    const followsPrevious = previousKeptEnd >= 0 && PHRASE_GAP.test(gap);
    const joiner = followsPrevious && gap.trim() !== "" ? gap : " ";
    const sentenceStart = SENTENCE_END.test(normalized.slice(Math.max(0, match.index - 3), match.index));
    const atStart = match.index === 0 || sentenceStart;
    if (!atStart) {
      inside++;
      if (word.length > 1 && CAPITALIZED.test(written)) capitalisedInside++;
    }
    if (UNSPACED_SCRIPT.test(word)) {
      // Character bigrams already encode adjacency; no word bigrams over them.
      for (const gram of characterBigrams(word))
        tokens.push({
          stem: gram,
          surface: gram,
          followsPrevious: false,
          joiner: "",
          capitalised: false,
          sentenceStart: false,
        });
      previousKeptEnd = -1;
      continue;
    }
    if (word.length < 2 || DIGITS.test(word) || ENGLISH_STOP_WORDS.has(word)) {
      previousKeptEnd = -1;
      continue;
    }
    const surface = atStart && CAPITALIZED.test(written) ? word : written;
    tokens.push({
      stem: stemOf(word),
      surface,
      followsPrevious,
      joiner,
      capitalised: CAPITALIZED.test(written),
      sentenceStart: atStart,
    });
    previousKeptEnd = match.index + written.length;
  }
  return { tokens, titleCase: inside > 0 && capitalisedInside / inside >= TITLE_CASE_SHARE };
}

const plain = (t: Word): Token => ({
  stem: t.stem,
  surface: t.surface,
  followsPrevious: t.followsPrevious,
  joiner: t.joiner,
});

/**
 * Replaces each run of two or more capitalised words written next to each other, when some word
 * of it is a common word elsewhere (`keepWord` false), with one name token (stem "appl_pai",
 * surface "Apple Pay"), preceded by the words `keepWord` keeps (unlinked: no bigrams). A run
 * never starts a sentence: there the capital says nothing ("Getting Apache to…").
 */
function joinNames(
  tokens: readonly Word[],
  isName: (stems: readonly string[]) => boolean,
  keepWord: (stem: string) => boolean,
): Token[] {
  const joined: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i]!;
    let end = i;
    while (end + 1 < tokens.length && end + 1 < i + MAX_NAME_WORDS && inRunAfter(tokens, end)) end++;
    if (end === i || !first.capitalised || first.sentenceStart) {
      joined.push(plain(first));
      continue;
    }
    const run = tokens.slice(i, end + 1);
    if (!isName(run.map((word) => word.stem)) || run.every((word) => keepWord(word.stem))) {
      // Written in lower case too ("visual studio"), or every word is a name on its own as well
      // ("Windows Vista"): the words and their bigrams say it.
      joined.push(...run.map(plain));
      i = end;
      continue;
    }
    for (const word of run) {
      if (keepWord(word.stem)) joined.push({ ...plain(word), followsPrevious: false, joiner: " " });
    }
    // The sentence-start word lost its capital in `surface`; a name keeps it.
    const surfaces = run.map((t, n) =>
      n === 0 && t.sentenceStart ? t.surface.charAt(0).toUpperCase() + t.surface.slice(1) : t.surface,
    );
    joined.push({
      stem: run.map((t) => t.stem).join("_"),
      surface: surfaces.join(" "),
      followsPrevious: false,
      joiner: " ",
    });
    i = end;
  }
  return joined;
}
