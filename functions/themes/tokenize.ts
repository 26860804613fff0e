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

function stemOf(word: string): string {
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

/**
 * Splits on anything that is not a letter, mark or digit (any script), drops English stop words,
 * one-letter words and bare numbers, and Porter-stems plain English words. The surface keeps the
 * writer's casing ("SQL", "Berlin"), except a capital that only marks the start of a sentence.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const normalized = text.normalize("NFKC");
  let previousKeptEnd = -1;
  for (const match of normalized.matchAll(WORD)) {
    const written = match[0];
    const word = written.toLowerCase();
    const gap = previousKeptEnd >= 0 ? normalized.slice(previousKeptEnd, match.index) : "";
    const followsPrevious = previousKeptEnd >= 0 && PHRASE_GAP.test(gap);
    const joiner = followsPrevious && gap.trim() !== "" ? gap : " ";
    if (UNSPACED_SCRIPT.test(word)) {
      // Character bigrams already encode adjacency; no word bigrams over them.
      for (const gram of characterBigrams(word))
        tokens.push({ stem: gram, surface: gram, followsPrevious: false, joiner: "" });
      previousKeptEnd = -1;
      continue;
    }
    if (word.length < 2 || DIGITS.test(word) || ENGLISH_STOP_WORDS.has(word)) {
      previousKeptEnd = -1;
      continue;
    }
    const sentenceStart = SENTENCE_END.test(normalized.slice(Math.max(0, match.index - 3), match.index));
    const atStart = match.index === 0 || sentenceStart;
    const surface = atStart && CAPITALIZED.test(written) ? word : written;
    tokens.push({ stem: stemOf(word), surface, followsPrevious, joiner });
    previousKeptEnd = match.index + written.length;
  }
  return tokens;
}
