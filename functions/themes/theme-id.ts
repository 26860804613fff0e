import { createHash } from "node:crypto";

/**
 * Theme ids are derived from content, not from cluster numbers (which shuffle between runs): "theme-" and
 * 10 hex digits of SHA-256 over the two strongest key phrases (stems, sorted, "|"-joined). Stems make
 * "pricing"/"price" the same theme; sorting makes the order of the two irrelevant; two phrases rather than
 * more keep the id unchanged when minor members come and go. Clashes get "-2", "-3"… in the order given.
 */
export function stableThemeIds(keyTermsPerTheme: readonly (readonly string[])[]): string[] {
  const seen = new Map<string, number>();
  return keyTermsPerTheme.map((terms) => {
    const basis = [...terms.slice(0, 2)].sort().join("|");
    const base = `theme-${createHash("sha256").update(basis).digest("hex").slice(0, 10)}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}
