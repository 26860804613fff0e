import type { ThemeInputItem } from "./schema.js";

/** "t2" before "t10": digit runs compare as numbers, the rest by code unit (locale-independent). */
export function compareIds(a: string, b: string): number {
  const partsA = a.match(/\d+|\D+/g) ?? [];
  const partsB = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(partsA.length, partsB.length); i++) {
    const x = partsA[i]!;
    const y = partsB[i]!;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const u = x.replace(/^0+/, "");
      const v = y.replace(/^0+/, "");
      if (u.length !== v.length) return u.length - v.length;
      if (u !== v) return u < v ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return partsA.length - partsB.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** A copy in canonical (id) order, so that results never depend on input order; ids must be unique. */
export function sortedById(items: readonly ThemeInputItem[]): ThemeInputItem[] {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) throw new Error(`duplicate thought id: ${item.id}`);
    seen.add(item.id);
  }
  return [...items].sort((a, b) => compareIds(a.id, b.id));
}
