/**
 * DESIGN §3.4: which report slices may be released. A slice is "everyone" or everyone sharing one
 * directory attribute value (department = Sales). A slice is released only when
 *  - it has at least k distinct contributors, and
 *  - its complement within the parent group (everyone) has at least k too, since "everyone"
 *    minus "Sales" would otherwise reveal the few people outside Sales, and
 *  - no other released slice differs from it by 1 to k−1 people: two such slices, subtracted,
 *    would reveal a group smaller than k.
 * The decision is made once for the whole population, so any sequence of queries can only ever
 * see slices from one set that satisfies all three rules.
 */
import { getOrCreate } from "../lib/maps.js";
export interface Contributor {
  readonly key: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface SliceId {
  readonly attribute: string;
  readonly value: string;
}

export const everyone: SliceId = { attribute: "*", value: "*" };
export const sliceKey = (slice: SliceId) => `${slice.attribute}:${slice.value}`;

export interface SliceDecision extends SliceId {
  readonly size: number;
  readonly released: boolean;
  readonly reason?: "too-few" | "complement-too-few" | "differs-from-another-slice";
}

function symmetricDifference(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let count = 0;
  for (const x of a) if (!b.has(x)) count++;
  for (const x of b) if (!a.has(x)) count++;
  return count;
}

/**
 * Decides every slice of every attribute at once. Deterministic: candidates are considered
 * largest first (ties by key), and a slice is released only if it clears every slice already
 * released, so the outcome does not depend on input order.
 */
export function releasableSlices(
  contributors: readonly Contributor[],
  k: number,
  attributes?: readonly string[],
): SliceDecision[] {
  const all = new Set(contributors.map((c) => c.key));
  const members = new Map<string, { slice: SliceId; people: Set<string> }>();
  for (const c of contributors) {
    for (const [attribute, value] of Object.entries(c.attributes)) {
      if (attributes && !attributes.includes(attribute)) continue;
      const key = sliceKey({ attribute, value });
      getOrCreate(members, key, () => ({
        slice: { attribute, value },
        people: new Set<string>(),
      })).people.add(c.key);
    }
  }

  const decisions: SliceDecision[] = [];
  const released: Set<string>[] = [];
  const everyoneReleased = all.size >= k;
  decisions.push({
    ...everyone,
    size: all.size,
    released: everyoneReleased,
    ...(!everyoneReleased && { reason: "too-few" }),
  });
  if (everyoneReleased) released.push(all);

  const candidates = [...members.values()].sort(
    (a, b) => b.people.size - a.people.size || sliceKey(a.slice).localeCompare(sliceKey(b.slice)),
  );
  for (const { slice, people } of candidates) {
    const size = people.size;
    let reason: SliceDecision["reason"];
    if (!everyoneReleased || size < k) reason = "too-few";
    else if (all.size - size < k && size !== all.size) reason = "complement-too-few";
    else if (
      released.some((other) => {
        const difference = symmetricDifference(other, people);
        return difference > 0 && difference < k;
      })
    )
      reason = "differs-from-another-slice";
    if (!reason) released.push(people);
    decisions.push({ ...slice, size, released: !reason, ...(reason && { reason }) });
  }
  return decisions;
}
