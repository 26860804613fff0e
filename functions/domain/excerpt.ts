/**
 * How a thought is quoted in a theme summary. A domain rule rather than theme code, because the
 * API's moderation (db/items/report-moderation.ts) finds and rewrites those quotes, and the API
 * bundle carries no theme code (test/unit/bundles.test.ts).
 */
const excerptLength = 200;

/** The text (whitespace runs collapsed), or its first sentence(s), or a cut at a word boundary plus "…". */
export function excerpt(text: string, maxLength = excerptLength): string {
  const trimmed = text.trim().replace(/\s+/g, " ");
  if (trimmed.length <= maxLength) return trimmed;
  const sentenceEnd = trimmed.slice(0, maxLength).search(/[.!?](?=\s)[^.!?]*$/);
  if (sentenceEnd >= maxLength / 3) return trimmed.slice(0, sentenceEnd + 1);
  const wordEnd = trimmed.lastIndexOf(" ", maxLength);
  return `${trimmed.slice(0, wordEnd > 0 ? wordEnd : maxLength)}…`;
}
