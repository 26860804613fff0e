/**
 * DESIGN §3.5, first step: what a thought is made of before anything looks at it. Characters
 * nobody sees (zero-width, bidi overrides, NUL and other controls, tag characters) are removed,
 * and compatibility forms are folded by Unicode NFKC, so full-width `ｊａｎｅ＠ｃｏｒｐ．ｃｏｍ` is
 * `jane@corp.com` to the contact-detail rules, to a reader and to the length limit alike. The
 * stored text is this cleaned text, never the bytes as sent.
 */

/**
 * Format characters (Cf) other than the zero-width joiner, which emoji sequences need: zero-width
 * space and non-joiner, word joiner, BOM, soft hyphen, bidi embeddings, overrides and isolates,
 * invisible math operators, interlinear annotations and tag characters (which smuggle invisible
 * ASCII to language models). Plus the Hangul filler, a "letter" that renders as nothing.
 */
const invisible = /(?!\u200D)[\p{Cf}\u3164\u115F\u1160\uFFA0]/gu;
/** C0 and C1 controls except tab, line feed and carriage return (normaliseText deals with those). */
const controls = /(?![\t\n\r])\p{Cc}/gu;
/** A zero-width joiner stays only between two pictographs (👩‍💻); anywhere else it hides a join. */
const joiner = /(\p{Extended_Pictographic}\uFE0F?)?\u200D(?=(\p{Extended_Pictographic})|)/gu;
/** More than four combining marks on one letter is decoration that spills over other lines. */
const markPile = /(\p{M}{4})\p{M}+/gu;

export function cleanText(input: string): string {
  return input
    .replace(controls, "")
    .replace(invisible, "")
    .replace(joiner, (match, before: string | undefined, after: string | undefined) =>
      before !== undefined && after !== undefined ? match : (before ?? ""),
    )
    .replace(markPile, "$1")
    .normalize("NFKC")
    .replace(/[\u2028\u2029\u0085]/g, "\n")
    .replace(/\t/g, " ");
}

/** Collapse runs of blank lines and trim, so length limits count what people see. */
export function normaliseText(input: string): string {
  return input
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
