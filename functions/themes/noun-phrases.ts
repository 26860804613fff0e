import model from "wink-eng-lite-web-model";
import winkNLP, { type WinkMethods } from "wink-nlp";
import { ENGLISH_STOP_WORDS } from "./stopwords.js";
import { stemOf } from "./tokenize.js";

/**
 * Noun phrases as people write them ("store pay", "Apple Pay", "weekend staffing"), found with
 * wink-nlp's part-of-speech tagger and its bundled English model. Theme titles and labels are
 * built from them (titles.ts), so a theme reads "Store pay and career paths", not "Pay, Reno".
 *
 * Only the theme engine imports this module (the theme worker, the CLI, the local server): the
 * model is 3.8 MB and must stay out of the API Lambda's bundle.
 */
export interface NounPhrase {
  /** Lower case, the head as its lemma ("shipping box" for "shipping boxes"): forms of one phrase count as one. */
  readonly key: string;
  /** As written (proper nouns and acronyms keep their capitals, other words are lower case). */
  readonly surface: string;
  /** Porter stems of the phrase's words, to match the clustering's key terms. */
  readonly stems: readonly string[];
}

let parser: WinkMethods | undefined;
// Loading the model takes a few hundred milliseconds: once per process, on first use.
const nlp = () => {
  parser ??= winkNLP(model, ["sbd", "pos"]);
  return parser;
};

const NOUN = new Set(["NOUN", "PROPN"]);
const MODIFIER = new Set(["NOUN", "PROPN", "ADJ"]);
/** Longer runs are usually lists the tagger glued together ("store staff training video"). */
const MAX_WORDS = 3;
// Words that only quantify, judge or point ("more people", "real problem"): trimmed off the front.
const EMPTY_MODIFIERS = new Set(
  "bad best better big biggest different entire few good great huge main real right same single small whole worse worst".split(
    " ",
  ),
);
// Nouns too general to name a topic alone; fine inside a phrase ("lead time", "store people").
const GENERIC = new Set(
  "anything day days everyone everything lot lots month months people person problem problems someone stuff thing things time times today way ways week weeks year years".split(
    " ",
  ),
);
const WORDLIKE = /^[\p{L}][\p{L}\p{M}\p{N}.+#-]*$/u;
const KEEP_CASE = /\p{Lu}.*\p{Lu}|^\p{Lu}[\p{L}]*\d|\d/u;

const SENTENCE_START_CAPITAL = /(^|[.!?]\s+|\n\s*)(\p{Lu})(?=\p{Ll}+\b)/gu;
const lowerFirst = (_: string, before: string, capital: string) => `${before}${capital.toLowerCase()}`;
const CAPITALISED = /^\p{Lu}\p{Ll}/u;

/** Most words (of two letters or more) capitalised: a Title Case heading, where capitals mean nothing. */
function isTitleCase(text: string): boolean {
  const words = text.match(/\p{L}{2,}/gu) ?? [];
  return words.length >= 3 && words.filter((w) => /^\p{Lu}/u.test(w)).length / words.length >= 0.6;
}

/**
 * Capitalised words written next to each other form a name: "Apple Pay" is a proper noun, not a
 * verb, and one unit ("Pay" alone is not a phrase of it). Returns each token's name number, -1
 * outside names.
 */
function markNames(values: readonly string[], pos: string[]): Int32Array {
  const names = new Int32Array(values.length).fill(-1);
  for (let i = 0; i + 1 < values.length; i++) {
    if (!CAPITALISED.test(values[i]!) || !CAPITALISED.test(values[i + 1]!)) continue;
    pos[i] = "PROPN";
    pos[i + 1] = "PROPN";
    names[i + 1] = names[i]! >= 0 ? names[i]! : i;
    names[i] = names[i + 1]!;
  }
  return names;
}

// Words before which an -ing form describes the next noun rather than acting: "our shipping boxes".
const BEFORE_MODIFIER = new Set(["DET", "PRON", "ADP", "ADJ", "CCONJ", "PUNCT"]);

/** The tagger reads "shipping boxes" as a verb and its object; before a noun, after a determiner, it is a modifier. */
function markGerundModifiers(values: readonly string[], pos: string[]): void {
  for (let i = 0; i + 1 < values.length; i++) {
    if (pos[i] !== "VERB" || !/ing$/i.test(values[i]!) || pos[i + 1] !== "NOUN") continue;
    if (i === 0 || BEFORE_MODIFIER.has(pos[i - 1]!)) pos[i] = "ADJ";
  }
}

/**
 * "year-round", "in-store", "long-term": one word, which the tokenizer splits at the hyphen, so
 * "round" and "store" would count as phrases of their own. Joined back; before a noun the
 * compound describes it ("year-round business"), elsewhere it takes its last part's tag.
 */
function joinHyphenated(
  values: readonly string[],
  pos: readonly string[],
  lemmas: readonly string[],
  spaces: readonly string[],
): { values: string[]; pos: string[]; lemmas: string[] } {
  const out = { values: [] as string[], pos: [] as string[], lemmas: [] as string[] };
  // A hyphen with no space on either side, between two words.
  const joins = (i: number) =>
    values[i + 1] === "-" &&
    spaces[i + 1] === "" &&
    spaces[i + 2] === "" &&
    WORDLIKE.test(values[i + 2] ?? "");
  for (let i = 0; i < values.length; i++) {
    let value = values[i]!;
    let lemma = lemmas[i] ?? value;
    let tag = pos[i]!;
    while (WORDLIKE.test(value) && joins(i)) {
      // The compound's lemma is its last part's: "part-timers" → "part-timer".
      lemma = `${value}-${lemmas[i + 2] ?? values[i + 2]!}`;
      value = `${value}-${values[i + 2]!}`;
      tag = pos[i + 2]!;
      i += 2;
    }
    if (value.includes("-") && NOUN.has(pos[i + 1] ?? "")) tag = "ADJ";
    out.values.push(value);
    out.pos.push(tag);
    out.lemmas.push(lemma);
  }
  return out;
}

const DETERMINER_OR_PRONOUN = new Set(["DET", "PRON"]);

/**
 * "our customers love the outdoors": the tagger reads "love" as a noun, "customers love" as a
 * phrase. A singular noun after a plural one and straight before a determiner or pronoun cannot
 * head a noun phrase; it is the plural subject's verb.
 */
function markVerbsAfterPlurals(values: readonly string[], pos: string[], lemmas: readonly string[]): void {
  const plural = (i: number) =>
    /s$/i.test(values[i]!) && (lemmas[i] ?? values[i]!).toLowerCase() !== values[i]!.toLowerCase();
  for (let i = 1; i + 1 < values.length; i++) {
    if (pos[i] !== "NOUN" || pos[i - 1] !== "NOUN" || !DETERMINER_OR_PRONOUN.has(pos[i + 1]!)) continue;
    if (plural(i - 1) && !plural(i)) pos[i] = "VERB";
  }
}

function isContent(word: string): boolean {
  const lower = word.toLowerCase();
  return WORDLIKE.test(word) && lower.length > 1 && !ENGLISH_STOP_WORDS.has(lower);
}

/**
 * The noun phrases of one text: runs of adjectives and nouns that end in a noun, at most three
 * words, without stop words or leading words that carry no topic ("real", "same"), never a
 * lone general noun ("time", "people"). Each phrase is listed once per text.
 */
export function nounPhrases(text: string): NounPhrase[] {
  const titleCase = isTitleCase(text);
  // The tagger reads a capital at a sentence's start as a name ("Store pay" → PROPN VERB);
  // lower-cased it reads "store pay" as the noun phrase it is. Title Case text is left alone.
  const doc = nlp().readDoc(titleCase ? text : text.replace(SENTENCE_START_CAPITAL, lowerFirst));
  const its = nlp().its;
  const tokens = doc.tokens();
  // wink's typings declare `its.lemma` with the model's addons, which `out` does not accept.
  const { values, pos, lemmas } = joinHyphenated(
    tokens.out(its.value) as string[],
    tokens.out(its.pos) as string[],
    (tokens.out as (f: unknown) => string[])(its.lemma),
    tokens.out(its.precedingSpaces) as string[],
  );
  const names = titleCase ? new Int32Array(values.length).fill(-1) : markNames(values, pos);
  markGerundModifiers(values, pos);
  markVerbsAfterPlurals(values, pos, lemmas);
  const found = new Map<string, NounPhrase>();
  const add = (words: readonly number[]) => {
    if (words.length === 1 && GENERIC.has(values[words[0]!]!.toLowerCase())) return;
    // Modifiers as written, the head as its lemma: "shipping boxes" and "shipping box" are one phrase.
    const key = words
      .map((i, n) => (n === words.length - 1 ? (lemmas[i] ?? values[i]!) : values[i]!).toLowerCase())
      .join(" ");
    if (found.has(key)) return;
    const surface = words
      .map((i) => {
        const value = values[i]!;
        return pos[i] === "PROPN" || KEEP_CASE.test(value) ? value : value.toLowerCase();
      })
      .join(" ");
    found.set(key, { key, surface, stems: words.map((i) => stemOf(values[i]!.toLowerCase())) });
  };
  // A run of modifiers and nouns yields every phrase inside it that ends in a noun and starts
  // with a word that carries a topic: "our shipping boxes waste cardboard" holds "shipping
  // boxes" as well as the tagger's longer guess, and the counts across thoughts pick the phrase.
  const emit = (run: readonly number[]) => {
    for (let end = 0; end < run.length; end++) {
      if (!NOUN.has(pos[run[end]!]!) || !isContent(values[run[end]!]!)) continue;
      for (let start = Math.max(0, end - MAX_WORDS + 1); start <= end; start++) {
        const words = run.slice(start, end + 1);
        if (!words.every((i) => isContent(values[i]!))) continue;
        // Never part of a name: "Apple Pay" whole or not at all.
        const first = words[0]!;
        const last = words.at(-1)!;
        if (first > 0 && names[first]! >= 0 && names[first] === names[first - 1]) continue;
        if (last + 1 < names.length && names[last]! >= 0 && names[last] === names[last + 1]) continue;
        if (EMPTY_MODIFIERS.has(values[words[0]!]!.toLowerCase())) continue;
        add(words);
      }
    }
  };
  let run: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (MODIFIER.has(pos[i]!) && WORDLIKE.test(values[i]!)) {
      run.push(i);
      continue;
    }
    emit(run);
    run = [];
  }
  emit(run);
  return [...found.values()];
}
