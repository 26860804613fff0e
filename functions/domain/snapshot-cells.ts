/**
 * Generalised attribute snapshots (DESIGN §3.7, docs/anonymity.md "Joins in the table").
 *
 * A thought and a rating carry their author's (rater's) directory attributes so the report can
 * cut them into segments. Stored whole, a snapshot is a near-identifier: with 7 departments and
 * 5 locations most department × location combinations hold one or two people, and an operator
 * who joins the snapshot to the directory has the author. So every conversation decides once,
 * from its audience, a **partition** of the audience into cells of at least k people, and a
 * person's snapshot stores the description of their cell, never more.
 *
 * **Why a partition, not per-person generalisation.** "Drop attributes from each person's
 * snapshot until k people of the directory share what is left" sounds equivalent and is not: an
 * operator who knows that rule (it is in this repository) knows which people would have been
 * generalised to `{location: Berlin}` — only those whose fuller combination was rare — and the
 * 20 Berlin people who kept their department are not candidates at all. The candidates of a
 * stored description are the people *the rule* gives that description, not the people who match
 * it. With a partition they are the same thing: the cells are disjoint, decided from the
 * directory alone (deterministically, replayable by anyone who reads it and this code), each
 * holds at least k audience people, and every description names exactly one cell. So after
 * every join an operator can make — directory, this rule, the stored cells — each stored
 * snapshot still has at least k candidates.
 *
 * **How the partition is made: attributes in a deliberate priority.** The report slices by the
 * directory's attributes and leaders read department first, so the cells keep attributes in
 * `snapshotPriority` order (department, team, …, location, …, level, tenure; any other attribute
 * after those, the coarsest first). Starting from one cell holding the whole audience, each
 * attribute in turn refines every current cell:
 * - the cell's people are grouped by their value of the attribute; a value held by k or more of
 *   them becomes a sub-cell that states the value;
 * - everyone else — rare values and people without the attribute — is pooled into one
 *   **remainder** sub-cell that does not state the attribute. If the remainder holds 1..k−1
 *   people, the smallest value sub-cell is merged into it (it no longer states its value either);
 * - the refinement is kept only if every sub-cell, the remainder included, holds at least k (a
 *   cell whose people all share the value just gains the value). Otherwise the cell stays as it is
 *   and the next attribute is tried.
 * A cell of 40 in Sales keeps `department` and may gain `location` where each office holds k;
 * a 6-person department keeps its name; three 2-person departments become "some other
 * department" together. An audience smaller than k is one cell `{}` (the report, which needs k,
 * shows nothing).
 *
 * **Later joiners.** The partition is stored beside the conversation, so every later join walks
 * the same tree: at each refined cell a known value goes to its sub-cell and anything else (a
 * value the decision never saw, or no value) to the remainder. Where a refinement has no
 * remainder, such a person goes to the largest sub-cell: their slice label is then wrong, the
 * price of never storing a description fewer than k people share.
 */
export interface SnapshotCells {
  /** The k the cells were decided for. */
  readonly k: number;
  /** How many audience people the decision saw. */
  readonly audience: number;
  /**
   * The partition as a tree, root first: a refined node names its attribute, a sub-node per
   * stated value and, where there is one, the remainder's node; a node without `attribute` is a
   * cell.
   */
  readonly nodes: CellNode[];
}

export interface CellNode {
  /** Audience people in this node when the cells were decided. */
  readonly size: number;
  readonly attribute?: string;
  readonly children?: { readonly value: string; readonly node: number }[];
  readonly rest?: number;
}

/**
 * The order attributes are kept in: what leaders slice the report by first. Names not listed
 * come after, those with the fewest distinct values first (ties by name).
 */
export const snapshotPriority = [
  "department",
  "team",
  "division",
  "function",
  "location",
  "office",
  "region",
  "country",
  "level",
  "role",
  "tenure",
] as const;

type Attributes = Readonly<Record<string, string>>;

const valueAt = (attributes: Attributes, name: string) =>
  Object.hasOwn(attributes, name) ? (attributes[name] ?? "") : "";

/** The attributes of the audience in the order cells keep them (see `snapshotPriority`). */
export function keptOrder(audience: readonly Attributes[]): string[] {
  const names = [...new Set(audience.flatMap((attributes) => Object.keys(attributes)))];
  const rank = (name: string) => {
    const i = (snapshotPriority as readonly string[]).indexOf(name);
    return i < 0 ? snapshotPriority.length : i;
  };
  const distinct = new Map(names.map((name) => [name, new Set(audience.map((p) => valueAt(p, name))).size]));
  return names.sort(
    (a, b) => rank(a) - rank(b) || distinct.get(a)! - distinct.get(b)! || (a < b ? -1 : a > b ? 1 : 0),
  );
}

interface Refinement {
  readonly children: { value: string; members: Attributes[] }[];
  readonly rest: Attributes[];
}

/** One cell refined by one attribute, or undefined where some sub-cell would hold fewer than k. */
function refine(members: readonly Attributes[], attribute: string, k: number): Refinement | undefined {
  const byValue = new Map<string, Attributes[]>();
  const rest: Attributes[] = [];
  for (const person of members) {
    const value = valueAt(person, attribute);
    if (value === "") rest.push(person);
    else {
      const group = byValue.get(value);
      if (group) group.push(person);
      else byValue.set(value, [person]);
    }
  }
  const children: Refinement["children"] = [];
  for (const [value, group] of [...byValue].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (group.length >= k) children.push({ value, members: group });
    else rest.push(...group);
  }
  if (rest.length > 0 && rest.length < k) {
    // The smallest value (ties: the last by name) joins the remainder, which then holds ≥ k.
    const smallest = children.reduce(
      (best, child, i) => (child.members.length <= children[best]!.members.length ? i : best),
      0,
    );
    const [merged] = children.splice(smallest, 1);
    if (!merged) return undefined;
    rest.push(...merged.members);
  }
  // Nothing to state: everyone ended in the remainder.
  if (children.length === 0) return undefined;
  return { children, rest };
}

/** Decides a conversation's cells from its audience's current attributes (see the file header). */
export function decideSnapshotCells(audience: readonly Attributes[], k: number): SnapshotCells {
  const nodes: CellNode[] = [{ size: audience.length }];
  if (audience.length < k) return { k, audience: audience.length, nodes };
  const order = keptOrder(audience);
  // Depth first: a cell and its people, and the next attribute to try on it.
  const work: { node: number; members: readonly Attributes[]; next: number }[] = [
    { node: 0, members: audience, next: 0 },
  ];
  for (let item = work.pop(); item; item = work.pop()) {
    let next = item.next;
    let refinement: Refinement | undefined;
    while (next < order.length) {
      refinement = refine(item.members, order[next]!, k);
      if (refinement) break;
      next++;
    }
    if (!refinement) continue;
    const attribute = order[next]!;
    const children = refinement.children.map(({ value, members }) => {
      const node = nodes.push({ size: members.length }) - 1;
      work.push({ node, members, next: next + 1 });
      return { value, node };
    });
    let rest: number | undefined;
    if (refinement.rest.length > 0) {
      rest = nodes.push({ size: refinement.rest.length }) - 1;
      work.push({ node: rest, members: refinement.rest, next: next + 1 });
    }
    nodes[item.node] = {
      size: item.members.length,
      attribute,
      children,
      ...(rest !== undefined && { rest }),
    };
  }
  return { k, audience: audience.length, nodes };
}

const childIndexes = new WeakMap<CellNode, Map<string, number>>();
function childIndex(node: CellNode): Map<string, number> {
  let index = childIndexes.get(node);
  if (!index) {
    index = new Map((node.children ?? []).map((child) => [child.value, child.node]));
    childIndexes.set(node, index);
  }
  return index;
}

/**
 * The snapshot a person's thoughts and ratings store: the description of their cell — the
 * values stated on the way down the tree; `{}` for the root's cell.
 */
export function snapshotOf(cells: SnapshotCells, attributes: Attributes): Record<string, string> {
  const stated: [string, string][] = [];
  let node = cells.nodes[0];
  for (let depth = 0; node?.attribute && depth < cells.nodes.length; depth++) {
    const value = valueAt(attributes, node.attribute);
    let next = value === "" ? undefined : childIndex(node).get(value);
    if (next !== undefined) stated.push([node.attribute, value]);
    else if (node.rest !== undefined) next = node.rest;
    else {
      // No remainder to take an unknown value: the largest sub-cell does, with its value.
      const largest = [...(node.children ?? [])].sort(
        (a, b) => (cells.nodes[b.node]?.size ?? 0) - (cells.nodes[a.node]?.size ?? 0),
      )[0];
      if (!largest) break;
      stated.push([node.attribute, largest.value]);
      next = largest.node;
    }
    node = cells.nodes[next];
  }
  return Object.fromEntries(stated);
}

/** How many cells the partition has (its leaves). */
export const cellCount = (cells: SnapshotCells) => cells.nodes.filter((node) => !node.attribute).length;
