import * as z from "zod";
import { prepareText } from "../../domain/screen.js";
import { redactContacts } from "../../domain/screen-contacts.js";
import { tokenize } from "../tokenize.js";
import { injectionFinding, instructionStart } from "./injection.js";
import type { SentThought } from "./prompts.js";

/**
 * Every model answer is checked here before any of it reaches a report (DESIGN §5). Pure functions, so
 * the rules are unit-tested without a server. An answer is either accepted (possibly repaired: bad key
 * phrases or a few altered quotes dropped) or rejected with a reason that names no thought text.
 */

/** What the model is asked for. Lengths are checked in code: strict structured outputs ignore them. */
export const themeOutputSchema = z.object({
  title: z.string(),
  summary: z.string(),
  keyPhrases: z.array(z.string()),
  quotes: z.array(z.object({ thoughtId: z.string(), quote: z.string() })),
});
export type ThemeOutput = z.infer<typeof themeOutputSchema>;

export const LIMITS = {
  titleChars: [3, 80],
  titleWords: 12,
  summaryChars: [20, 900],
  keyPhraseChars: 60,
  keyPhrases: 8,
  quoteChars: 8,
  quotes: 6,
  /** Title and summary together share at least this many word stems with the thoughts shown. */
  groundingStems: 2,
} as const;

export interface CheckedQuote {
  localId: string;
  /** The real thought id. */
  thoughtId: string;
  /** Exact substring of the thought's redacted text. */
  quote: string;
}

export interface CheckedTheme {
  title: string;
  summary: string;
  keyPhrases: string[];
  quotes: CheckedQuote[];
  /** What was dropped while accepting the answer, for debugging; never thought text. */
  repairs: string[];
}

export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseThemeOutput(content: string | null | undefined): Verdict<ThemeOutput> {
  if (!content) return { ok: false, reason: "empty answer" };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, reason: "the answer is not valid JSON" };
  }
  const parsed = themeOutputSchema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: "the answer does not match the schema" };
}

function checkLengths(title: string, summary: string): string | undefined {
  const [titleMin, titleMax] = LIMITS.titleChars;
  const [summaryMin, summaryMax] = LIMITS.summaryChars;
  if (title.length < titleMin || title.length > titleMax || /\n/.test(title)) {
    return `the title must be one line of ${titleMin}-${titleMax} characters`;
  }
  if (title.split(/\s+/).length > LIMITS.titleWords)
    return `the title has more than ${LIMITS.titleWords} words`;
  if (summary.length < summaryMin || summary.length > summaryMax) {
    return `the summary must have ${summaryMin}-${summaryMax} characters`;
  }
  return undefined;
}

function cleanKeyPhrases(phrases: readonly string[], repairs: string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const raw of phrases) {
    const phrase = raw.trim().replace(/\s+/g, " ");
    const key = phrase.toLowerCase();
    if (!phrase || phrase.length > LIMITS.keyPhraseChars || seen.has(key)) {
      repairs.push("dropped an empty, long or repeated key phrase");
      continue;
    }
    seen.add(key);
    kept.push(phrase);
  }
  return kept.slice(0, LIMITS.keyPhrases);
}

/** Finds the quote in the thought; offsets in `prompt` equal offsets in `redacted` (see neutralise). */
function locateQuote(thought: SentThought, quote: string): number {
  const inPrompt = thought.prompt.indexOf(quote);
  return inPrompt >= 0 ? inPrompt : thought.redacted.indexOf(quote);
}

function checkQuotes(
  output: ThemeOutput,
  sample: readonly SentThought[],
  repairs: string[],
): Verdict<CheckedQuote[]> {
  const byLocalId = new Map(sample.map((thought) => [thought.localId, thought]));
  const kept: CheckedQuote[] = [];
  const seen = new Set<string>();
  let altered = 0;
  for (const { thoughtId, quote } of output.quotes) {
    const thought = byLocalId.get(thoughtId);
    if (!thought) return { ok: false, reason: "a quote cites a thought id that was not in the request" };
    const at = quote.trim().length >= LIMITS.quoteChars ? locateQuote(thought, quote) : -1;
    if (at < 0) {
      altered++;
      continue;
    }
    const start = instructionStart(thought.redacted);
    if (start >= 0 && at + quote.length > start) {
      repairs.push(`dropped a quote from ${thoughtId} that repeats an instruction-like sentence`);
      continue;
    }
    const exact = thought.redacted.slice(at, at + quote.length).trim();
    const key = `${thought.id}\u0000${exact}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push({ localId: thought.localId, thoughtId: thought.id, quote: exact });
  }
  if (altered > 0 && altered >= kept.length) {
    return { ok: false, reason: `${altered} quote(s) are not exact substrings of the cited thoughts` };
  }
  if (altered > 0) repairs.push(`dropped ${altered} quote(s) that were not exact substrings`);
  if (output.quotes.length === 0) return { ok: false, reason: "the answer has no quotes" };
  return { ok: true, value: kept.slice(0, LIMITS.quotes) };
}

function groundedStems(text: string, sample: readonly SentThought[]): number {
  const vocabulary = new Set(
    sample.flatMap((thought) => tokenize(thought.prompt).map((token) => token.stem)),
  );
  return new Set(
    tokenize(text)
      .filter((token) => vocabulary.has(token.stem))
      .map((token) => token.stem),
  ).size;
}

/** Every check except parsing: ids, quotes, lengths, injection, grounding, contact details. */
export function checkThemeOutput(output: ThemeOutput, sample: readonly SentThought[]): Verdict<CheckedTheme> {
  const repairs: string[] = [];
  const title = output.title.trim();
  const summary = output.summary.trim();
  const lengthProblem = checkLengths(title, summary);
  if (lengthProblem) return { ok: false, reason: lengthProblem };
  const quotes = checkQuotes(output, sample, repairs);
  if (!quotes.ok) return quotes;
  const keyPhrases = cleanKeyPhrases(output.keyPhrases, repairs);
  const written = [title, summary, ...keyPhrases].join("\n");
  const injection = injectionFinding(
    written,
    sample.map((thought) => thought.prompt),
  );
  if (injection) return { ok: false, reason: `the answer looks like it obeyed a thought: ${injection}` };
  if (groundedStems(`${title}\n${summary}`, sample) < LIMITS.groundingStems) {
    return { ok: false, reason: "the title and summary use almost no words from the thoughts" };
  }
  if (redactContacts(prepareText(written)).found.size > 0)
    return { ok: false, reason: "the answer contains contact details" };
  return { ok: true, value: { title, summary, keyPhrases, quotes: quotes.value, repairs } };
}

/** Parse, then check: the single gate between a model's reply and a report. */
export function validateThemeReply(
  content: string | null | undefined,
  sample: readonly SentThought[],
): Verdict<CheckedTheme> {
  const parsed = parseThemeOutput(content);
  return parsed.ok ? checkThemeOutput(parsed.value, sample) : parsed;
}
