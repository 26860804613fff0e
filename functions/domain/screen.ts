/**
 * DESIGN §3.5: contact details are removed before a thought is stored or sent to a model, and a
 * thought that seems to name people is flagged for moderation. Pure so the web app can warn the
 * author before submitting with exactly the rules the server applies.
 */
export type ScreenWarning = "email" | "phone" | "name" | "language";

export interface ScreenResult {
  /** The text with emails and phone numbers replaced by placeholders. */
  readonly text: string;
  readonly warnings: readonly ScreenWarning[];
  /** True when a person seems to be named or the language is abusive: a moderator reviews it. */
  readonly needsReview: boolean;
}

const emailPattern = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Runs of digits with the separators people put in phone numbers; filtered by digit count below.
const phonePattern = /(?<![\p{L}\p{N}])\+?\(?\d[\d\s().-]{5,}\d(?![\p{L}\p{N}])/gu;
/**
 * Offline screening word list: abusive words that put a thought in front of a moderator (it is
 * still shared in post-moderation mode). Short on purpose; the OpenAI moderation endpoint, when
 * configured, catches what a list cannot.
 */
const abusiveWords = new Set(
  "idiot idiots moron morons stupid dumbass jerk jerks asshole assholes bastard bastards bitch crap shit shitty fuck fucking fucked incompetent useless clowns".split(
    " ",
  ),
);
const yearRange = /^\d{4}\s*[-–]\s*\d{4}$/;
const mentionPattern = /(?<![\p{L}\p{N}])@[\p{L}][\p{L}\p{N}._-]{1,}/u;

/** Capitalised words that start sentences or name things rather than people. */
const notNames = new Set(
  (
    "I We The This That These Those Our Us You Your It Its They Their He She His Her A An And But Or So If " +
    "When While What Why How Where Who Which Also Then Maybe Please Thanks Monday Tuesday Wednesday Thursday " +
    "Friday Saturday Sunday January February March April May June July August September October November " +
    "December Q1 Q2 Q3 Q4 AI Product Engineering Sales Marketing Finance Support Operations Legal People HR " +
    "Customer Customers Team Teams Leadership Strategy North Star Europe America Asia Africa Australia " +
    "United States Kingdom New York London Berlin Paris Tokyo Google Microsoft Amazon Apple Slack Teams Zoom"
  ).split(" "),
);

function countDigits(value: string): number {
  let digits = 0;
  for (const ch of value) if (ch >= "0" && ch <= "9") digits++;
  return digits;
}

function looksLikePhone(candidate: string): boolean {
  const trimmed = candidate.trim();
  if (yearRange.test(trimmed)) return false;
  const digits = countDigits(trimmed);
  const hasPhoneSyntax = trimmed.startsWith("+") || trimmed.includes("(");
  return digits >= 8 && digits <= 15 ? true : hasPhoneSyntax && digits >= 7 && digits <= 15;
}

function namesSomeone(text: string): boolean {
  if (mentionPattern.test(text)) return true;
  for (const sentence of text.split(/(?<=[.!?\n])\s+/)) {
    const words = sentence.trim().split(/\s+/);
    // Skip the sentence's first word: it is capitalised whatever it is.
    for (let i = 1; i < words.length - 1; i++) {
      const first = words[i]!.replace(/[^\p{L}]/gu, "");
      const second = words[i + 1]!.replace(/[^\p{L}]/gu, "");
      if (!/^\p{Lu}\p{Ll}+$/u.test(first) || !/^\p{Lu}\p{Ll}+$/u.test(second)) continue;
      if (notNames.has(first) || notNames.has(second)) continue;
      if (/[,.;:!?]$/.test(words[i]!)) continue;
      return true;
    }
  }
  return false;
}

export function screenThought(input: string): ScreenResult {
  const warnings = new Set<ScreenWarning>();
  let text = input.replace(emailPattern, () => {
    warnings.add("email");
    return "[email removed]";
  });
  text = text.replace(phonePattern, (match) => {
    if (!looksLikePhone(match)) return match;
    warnings.add("phone");
    // Keep any whitespace the pattern swallowed at the edges.
    return match.replace(match.trim(), "[phone removed]");
  });
  const named = namesSomeone(text);
  if (named) warnings.add("name");
  const abusive = text
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .some((word) => abusiveWords.has(word));
  if (abusive) warnings.add("language");
  return { text, warnings: [...warnings], needsReview: named || abusive };
}

/** Used by the share box so people see why their text will change before they submit. */
export const warningMessages: Record<ScreenWarning, string> = {
  email: "Email addresses are removed before your thought is saved.",
  phone: "Phone numbers are removed before your thought is saved.",
  name: "It looks like you name someone. Thoughts are about ideas, not people: a moderator will review this one.",
  language: "Some words may read as hurtful. A moderator will review this thought; consider rephrasing.",
};

/** Collapse runs of blank lines and trim, so length limits count what people see. */
export function normaliseText(input: string): string {
  return input
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
