/**
 * DESIGN §3.5: a thought that names a person goes to a moderator before anyone rates it. Three
 * signals, all on cleaned text:
 * - the directory (server only: the browser never receives it): a full name, a title and a
 *   surname ("Mr. Fischer", "Dr Patel"), or a first name only one person in the directory has;
 * - an NLP library's person names (compromise, loaded lazily: see person-finder.ts);
 * - plain patterns: an @handle, or a title before a capitalised word.
 * The directory part works on an index of name keys (names-index repository) looked up by the
 * keys a text could match, so a share reads a bounded number of items whatever the directory's size.
 */

/** Finds person names in text; compromise's tagger on both sides (person-finder.ts). */
export type PersonFinder = (text: string) => readonly string[];

const titles = new Set("mr mrs ms mx miss dr prof professor sir dame madam herr frau mme mlle".split(" "));
/** Name parts that are not the name: generational suffixes and degrees. */
const suffixes = new Set("jr sr ii iii iv phd md".split(" "));
/** Surname particles: "Dr de la Cruz" is matched on "Cruz", not on "de". */
const particles = new Set("de la le da di du del della van von der den ten ter bin ibn al el".split(" "));
/**
 * First names that are also ordinary words or places. A directory first name among these counts
 * only mid-sentence ("Grace period…" is no one), and the NLP library's single-word guesses among
 * them do not count at all (the directory, which knows, still does).
 */
const ambiguous = new Set(
  (
    "will may mark grace hope joy faith rose bill frank art max guy sunny summer june april august dawn " +
    "chase drew pat sue rob jack ray ken don gene carol sky amber ruby iris holly ivy lily jade pearl " +
    "crystal autumn rich penny hunter page lane dale glen cliff brook miles nick norm reed wade sydney " +
    "paris victoria florence austin jordan georgia chelsea madison phoenix dallas houston charlotte " +
    "adelaide jesus christ god lord"
  ).split(" "),
);

interface Word {
  readonly key: string;
  readonly capitalised: boolean;
  readonly sentenceStart: boolean;
  /** Only whitespace separates it from the word before: the two can be one name. */
  readonly joined: boolean;
  readonly afterTitle: boolean;
  /** After a title written as one ("Mr", "Dr"): with a capital itself, a name in any directory. */
  readonly afterCapitalTitle: boolean;
}

/** A word as the index knows it: lower case, no accents, no possessive `'s`. */
export function nameKey(word: string): string {
  return word
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/['’]s?$/u, "");
}

function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  let previousEnd = 0;
  let previousTitle = false;
  let previousCapital = false;
  for (const match of text.matchAll(/\p{L}[\p{L}\p{M}'’-]*/gu)) {
    const gap = text.slice(previousEnd, match.index);
    const key = nameKey(match[0]);
    const titleBefore = previousTitle && /^\.?\s+$|^\.$/u.test(gap);
    words.push({
      key,
      capitalised: /^\p{Lu}/u.test(match[0]),
      sentenceStart: words.length === 0 || (!titleBefore && /[.!?:;\n]/u.test(gap)),
      joined: words.length > 0 && (/^\s+$/u.test(gap) || titleBefore),
      afterTitle: titleBefore,
      afterCapitalTitle: titleBefore && previousCapital,
    });
    previousEnd = match.index + match[0].length;
    previousTitle = titles.has(key);
    previousCapital = /^\p{Lu}/u.test(match[0]);
  }
  return words;
}

/**
 * The index entries of a directory: `f:first` and `l:surname` with how many people have them,
 * `n:first last` (both orders) and the whole name.
 */
export function nameIndexEntries(names: readonly string[]): Map<string, number> {
  const entries = new Map<string, number>();
  const add = (key: string) => entries.set(key, (entries.get(key) ?? 0) + 1);
  for (const name of names) {
    const parts = wordsOf(name)
      .map((w) => w.key)
      .filter((key) => key.length >= 2 && !suffixes.has(key));
    const [first, ...rest] = parts;
    if (!first) continue;
    add(`f:${first}`);
    const last = rest.at(-1);
    if (!last) continue;
    const fulls = new Set([`n:${first} ${last}`, `n:${last} ${first}`, `n:${parts.join(" ")}`]);
    for (const full of fulls) add(full);
    for (const surname of new Set(rest.filter((part) => !particles.has(part)))) add(`l:${surname}`);
  }
  return entries;
}

/** Every index key the text could match: word runs of 2–4, titled words, capitalised words. */
export function nameLookupKeys(text: string): string[] {
  const words = wordsOf(text);
  const keys = new Set<string>();
  words.forEach((word, i) => {
    let run = word.key;
    for (let j = i + 1; j < Math.min(words.length, i + 4) && words[j]!.joined; j++) {
      run += ` ${words[j]!.key}`;
      keys.add(`n:${run}`);
    }
    if (word.afterTitle) keys.add(`l:${word.key}`);
    if (word.capitalised && !titles.has(word.key) && !(word.sentenceStart && ambiguous.has(word.key))) {
      keys.add(`f:${word.key}`);
    }
  });
  return [...keys];
}

/** True when the looked-up entries show the text names someone in the directory. */
export function mentionsDirectoryPerson(found: ReadonlyMap<string, number>): boolean {
  for (const [key, count] of found) {
    if (key.startsWith("n:") || key.startsWith("l:")) return true;
    if (key.startsWith("f:") && count === 1) return true;
  }
  return false;
}

/** An @handle; chat's group mentions (@channel, @here…) name no one. */
const mention = /(?<![\p{L}\p{N}._%+-])@(?!(?:channel|here|everyone|all|team)\b)\p{L}[\p{L}\p{N}._-]+/iu;

/**
 * Whether one of the NLP library's guesses is a name worth a moderator's time: it needs a
 * capitalised word ("buddy", "reps" are people-nouns, not names); a lone ordinary word such as
 * "Grace" or "Frank" does not count; and a capitalised run that goes on past the guess is a
 * bigger proper noun ("skip Black" in "skip Black Friday").
 */
function isNameGuess(text: string, guess: string): boolean {
  const parts = wordsOf(guess).filter((w) => !titles.has(w.key));
  if (!parts.some((w) => w.capitalised)) return false;
  if (parts.length === 1 && ambiguous.has(parts[0]!.key)) return false;
  const trimmed = guess.replace(/[^\p{L}\p{M}'’-]+$/u, "");
  const at = text.indexOf(trimmed);
  const next = at < 0 ? "" : (/^\s+(\p{L}+)/u.exec(text.slice(at + trimmed.length))?.[1] ?? "");
  return !/^\p{Lu}/u.test(next);
}

/** Names found without the directory: @handles, titled capitalised words, the NLP library's people. */
export function namesSomeone(text: string, findPeople?: PersonFinder): boolean {
  if (mention.test(text)) return true;
  if (wordsOf(text).some((word) => word.afterCapitalTitle && word.capitalised)) return true;
  return (findPeople?.(text) ?? []).some((guess) => isNameGuess(text, guess));
}
