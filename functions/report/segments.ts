/**
 * DESIGN §3.4: which report slices may be released. A slice is "everyone" or everyone sharing one
 * value of one attribute of the raters (department = Sales, opinionGroup = B: any attribute, the
 * rule is generic). The decision is made once per report and population, so every view reads
 * from one released family, and that family is safe as a whole (docs/anonymity.md):
 *
 *  - a slice needs at least k people;
 *  - within its attribute, what the released values leave of everyone (the hidden values and the
 *    people without the attribute, which everyone minus the released values gives away) must be
 *    empty or hold at least k people: complementary suppression, so when the smallest value is
 *    hidden, the next-smallest is hidden with it ("complement-too-few");
 *  - across attributes, no linear combination of the released slices, everyone included, with
 *    any coefficients and any number of slices, describes 1 to k−1 people. This is decided
 *    exactly by `findSmallGroup` (disclosure.ts), and covers nested and near-nested slices
 *    (a location that is all one level, teams inside departments, departments inside divisions)
 *    whatever the number of slices the attack needs ("differs-from-another-slice").
 *
 * Candidates are tried largest first (ties by key), each kept only if the family with it still
 * passes, so the outcome is deterministic and every released family passes all three rules.
 */
import { getOrCreate } from "../lib/maps.js";
import {
  findSmallGroup,
  type SmallGroupSearch,
  signatureClasses,
  smallestSignedCombination,
} from "./disclosure.js";

/** A person as the release rule sees them: a pseudonymous key and attribute values. */
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

export type SuppressionReason = "too-few" | "complement-too-few" | "differs-from-another-slice";

export interface SliceDecision extends SliceId {
  readonly size: number;
  readonly released: boolean;
  readonly reason?: SuppressionReason;
}

export interface ReleaseOptions {
  /** Only these attributes are sliced (default: every attribute anyone has). */
  readonly attributes?: readonly string[];
  /** Only these slices (keys) are candidates: a sub-population reuses a family decided above it. */
  readonly candidates?: ReadonlySet<string>;
  /**
   * True when "everyone" is released whatever its size: a sub-population such as a theme's
   * raters, whose overall numbers the report already carries.
   */
  readonly everyoneAlwaysReleased?: boolean;
}

/** Slices of a population: members by slice key, in first-seen order. */
function slicesOf(contributors: readonly Contributor[], options: ReleaseOptions) {
  const members = new Map<string, { slice: SliceId; people: number[] }>();
  contributors.forEach((c, person) => {
    for (const [attribute, value] of Object.entries(c.attributes)) {
      if (options.attributes && !options.attributes.includes(attribute)) continue;
      const key = sliceKey({ attribute, value });
      if (options.candidates && !options.candidates.has(key)) continue;
      getOrCreate(members, key, () => ({ slice: { attribute, value }, people: [] })).people.push(person);
    }
  });
  return members;
}

/** The exact cross-attribute check of a family of member lists over people 0..n−1. */
export function familySearch(
  people: number,
  family: readonly (readonly number[])[],
  k: number,
  minimum = false,
): SmallGroupSearch {
  return findSmallGroup(signatureClasses(people, family), k, { minimum });
}

/**
 * Decides every slice of every attribute at once (see the file comment). Deterministic whatever
 * the order of `contributors`.
 */
export function releasableSlices(
  contributors: readonly Contributor[],
  k: number,
  options: ReleaseOptions = {},
): SliceDecision[] {
  const n = contributors.length;
  const members = slicesOf(contributors, options);
  const everyoneReleased = options.everyoneAlwaysReleased || n >= k;
  const decisions: SliceDecision[] = [
    { ...everyone, size: n, released: everyoneReleased, ...(!everyoneReleased && { reason: "too-few" }) },
  ];

  const candidates = [...members.entries()].sort(
    ([ka, a], [kb, b]) => b.people.length - a.people.length || ka.localeCompare(kb),
  );
  const family: number[][] = [];
  /** People the released values of each attribute cover. */
  const covered = new Map<string, number>();
  for (const [, { slice, people }] of candidates) {
    const size = people.length;
    let reason: SuppressionReason | undefined;
    const remainder = n - (covered.get(slice.attribute) ?? 0) - size;
    if (!everyoneReleased || size < k) reason = "too-few";
    else if (remainder > 0 && remainder < k) reason = "complement-too-few";
    else if (familySearch(n, [...family, people], k).kind !== "safe") reason = "differs-from-another-slice";
    if (!reason) {
      family.push(people);
      covered.set(slice.attribute, (covered.get(slice.attribute) ?? 0) + size);
    }
    decisions.push({ ...slice, size, released: !reason, ...(reason && { reason }) });
  }
  return decisions;
}

/** The member lists of the released slices (everyone excluded), for the audit below. */
function releasedFamily(contributors: readonly Contributor[], released: readonly SliceId[]): number[][] {
  const wanted = new Set(released.filter((s) => s.attribute !== "*").map(sliceKey));
  return [...slicesOf(contributors, { candidates: wanted }).values()].map((s) => s.people);
}

/**
 * The audit card's figure: the smallest group any ±1 combination of up to four released slices,
 * everyone included, describes (DESIGN §3.7). Null for an empty population.
 */
export function smallestReleasedCombination(
  contributors: readonly Contributor[],
  released: readonly SliceId[],
  maxTerms = 4,
): number | null {
  return smallestSignedCombination(contributors.length, releasedFamily(contributors, released), maxTerms);
}

/**
 * The exact counterpart: the smallest group any linear combination of the released slices
 * describes, when it is under k; "safe" when none is.
 */
export function smallestReleasedGroup(
  contributors: readonly Contributor[],
  released: readonly SliceId[],
  k: number,
): SmallGroupSearch {
  return familySearch(contributors.length, releasedFamily(contributors, released), k, true);
}
