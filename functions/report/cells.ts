/**
 * Numbers inside released views (DESIGN §3.4: "inside a released view no number comes from fewer
 * than k raters"). A segment's number for one thought or one theme is a sum over the segment's
 * raters of that thought or theme: a population of its own, smaller than the segment, where the
 * same differencing works (a thought's overall histogram minus its released segment cells gives
 * the hidden cells' sum). docs/anonymity.md, "Numbers inside a view", has the proofs.
 *
 *  - Theme cells (the heatmap, and the theme cards of a segment view, which show the same
 *    numbers) are decided per theme by the full release rule (segments.ts) over the theme's
 *    raters, with the theme's overall numbers as "everyone".
 *  - Thought cells of a segment view are decided per thought by the signature rule below: a
 *    cheaper rule that is sufficient on its own, since a report has thousands of thoughts.
 *  - A theme's number for a segment minus the segment's released thought cells of that theme
 *    gives the sum of its hidden thought cells, so those must hold k raters of the segment too,
 *    or more thought cells are hidden (`hideThemeRemainders`).
 */

/**
 * The signature rule: people with the same membership in the released cells form a class, and
 * every class (including the people in none of them) holds at least k people or none. Every
 * linear combination of the released cells and the overall number is constant on a class, so
 * its support is a union of classes: at least k people, or nobody. Candidates are tried largest
 * first (ties by index); each is kept only if every class it splits stays at 0 or ≥ k.
 *
 * `membership[person]` lists the candidate cells (0..candidates−1) the person belongs to.
 */
export function signatureSafeCells(
  membership: readonly (readonly number[])[],
  candidates: number,
  k: number,
): Set<number> {
  const released = new Set<number>();
  const people = membership.length;
  if (people < k || candidates === 0) return released;
  const size = new Int32Array(candidates);
  for (const cells of membership) for (const c of cells) size[c]!++;
  const order = Array.from({ length: candidates }, (_, c) => c)
    .filter((c) => size[c]! >= k)
    .sort((a, b) => size[b]! - size[a]! || a - b);
  if (order.length === 0) return released;
  const classOf = new Int32Array(people); // everyone starts in class 0
  let classes = 1;
  const members = membership.map((cells) => new Set(cells));
  for (const cell of order) {
    // Split every class by membership in `cell`: both halves must be empty or ≥ k.
    const inside = new Int32Array(classes);
    const total = new Int32Array(classes);
    for (let p = 0; p < people; p++) {
      total[classOf[p]!]!++;
      if (members[p]!.has(cell)) inside[classOf[p]!]!++;
    }
    let ok = true;
    for (let c = 0; c < classes && ok; c++) {
      const a = inside[c]!;
      const b = total[c]! - a;
      if ((a > 0 && a < k) || (b > 0 && b < k)) ok = false;
    }
    if (!ok) continue;
    released.add(cell);
    const split = new Int32Array(classes).fill(-1);
    for (let p = 0; p < people; p++) {
      if (!members[p]!.has(cell)) continue;
      const c = classOf[p]!;
      if (split[c] === -1) split[c] = classes++;
      classOf[p] = split[c]!;
    }
  }
  return released;
}

/**
 * Complementary suppression between a released theme cell and the released thought cells of
 * the same segment and theme: the raters behind the hidden thought cells must be none or ≥ k;
 * otherwise the released thought cells with the fewest raters are hidden too (ties by id) until
 * they are. `cells` lists, for one segment and theme, each thought's raters of the segment and
 * whether its cell is released; returns the ids to hide in addition.
 */
export function hideThemeRemainders(
  cells: readonly { id: string; raters: readonly string[]; released: boolean }[],
  k: number,
): string[] {
  const hiddenRaters = new Set<string>();
  for (const cell of cells) if (!cell.released) for (const r of cell.raters) hiddenRaters.add(r);
  const extra: string[] = [];
  if (hiddenRaters.size === 0 || hiddenRaters.size >= k) return extra;
  const released = cells
    .filter((c) => c.released)
    .sort((a, b) => a.raters.length - b.raters.length || a.id.localeCompare(b.id));
  for (const cell of released) {
    if (hiddenRaters.size >= k) break;
    extra.push(cell.id);
    for (const r of cell.raters) hiddenRaters.add(r);
  }
  return extra;
}
