import { redactContacts } from "./screen-contacts.js";
import { namesSomeone, type PersonFinder } from "./screen-names.js";
import { cleanText, normaliseText } from "./screen-text.js";

/**
 * DESIGN §3.5: contact details are removed before a thought is stored or sent to a model, and a
 * thought that seems to name people, or reads as abusive, waits for a moderator before anyone
 * rates it. Pure and shared with the web app, so the share box warns with the rules the server
 * applies; only the directory check (names-index repository) and the model's opinion
 * (moderation/openai-moderation.ts) stay on the server and are added with `withReview`.
 *
 * The steps, in order: clean (screen-text.ts: NFKC, invisible and control characters out),
 * normalise whitespace, redact emails and phone numbers (screen-contacts.ts), then look for
 * names (screen-names.ts) and abusive words in what is left.
 */
export type ScreenWarning = "email" | "phone" | "name" | "language" | "model";

/** Why a thought waits for a moderator; the queue shows these. `directory`: a person in the directory. */
export type ReviewReason = "name" | "directory" | "language" | "model";

export interface ScreenResult {
  /** The cleaned text with emails and phone numbers replaced by placeholders: what is stored. */
  readonly text: string;
  /** What the author is told: what was removed, and why a moderator reviews it. */
  readonly warnings: readonly ScreenWarning[];
  readonly reviewReasons: readonly ReviewReason[];
  /** True when a moderator must look before anyone rates it (any review reason). */
  readonly needsReview: boolean;
}

export interface ScreenOptions {
  /** The NLP library's person names (person-finder.ts); without it only patterns find names. */
  readonly findPeople?: PersonFinder;
}

/**
 * Offline screening word list: abusive words that put a thought in front of a moderator. Short on
 * purpose; the OpenAI moderation endpoint, when configured, catches what a list cannot.
 */
const abusiveWords = new Set(
  "idiot idiots moron morons stupid dumbass jerk jerks asshole assholes bastard bastards bitch crap shit shitty fuck fucking fucked incompetent clowns".split(
    " ",
  ),
);

/** What a thought is made of before any rule looks at it: cleaned, then whitespace normalised. */
export function prepareText(input: string): string {
  return normaliseText(cleanText(input));
}

export function screenThought(input: string, options: ScreenOptions = {}): ScreenResult {
  const { text, found } = redactContacts(prepareText(input));
  const reasons: ReviewReason[] = [];
  if (namesSomeone(text, options.findPeople)) reasons.push("name");
  const abusive = text
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .some((word) => abusiveWords.has(word));
  if (abusive) reasons.push("language");
  return withReview({ text, warnings: [...found], reviewReasons: [], needsReview: false }, reasons);
}

const warningFor: Record<ReviewReason, ScreenWarning> = {
  name: "name",
  directory: "name",
  language: "language",
  model: "model",
};

/** Adds the server's own findings (the directory, the model) to a screening result. */
export function withReview(result: ScreenResult, reasons: readonly ReviewReason[]): ScreenResult {
  const reviewReasons = [...new Set([...result.reviewReasons, ...reasons])];
  const warnings = [...new Set([...result.warnings, ...reviewReasons.map((r) => warningFor[r])])];
  return { ...result, warnings, reviewReasons, needsReview: reviewReasons.length > 0 };
}

/**
 * Where a new thought starts: waiting for a moderator when screening flagged it, in every
 * moderation mode (a flagged thought is never shown to raters before review), or when the
 * conversation is pre-moderated; otherwise visible.
 */
export function initialStatus(moderation: "pre" | "post", screened: ScreenResult): "pending" | "visible" {
  return moderation === "pre" || screened.needsReview ? "pending" : "visible";
}

/** Used by the share box so people see why their text will change before they submit. */
export const warningMessages: Record<ScreenWarning, string> = {
  email: "Email addresses are removed before your thought is saved.",
  phone: "Phone numbers are removed before your thought is saved.",
  name: "It looks like you name someone. Thoughts are about ideas, not people: a moderator reviews this one before anyone rates it.",
  language:
    "Some words may read as hurtful. A moderator reviews this thought before anyone rates it; consider rephrasing.",
  model: "An automatic check flagged this thought. A moderator reviews it before anyone rates it.",
};

/** Why a saved thought waits for a moderator, as the share box tells its author afterwards. */
export const reviewNotices: Partial<Record<ScreenWarning, string>> = {
  name: "it seems to name someone",
  language: "some words may read as hurtful",
  model: "an automatic check flagged it",
};
