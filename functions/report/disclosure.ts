/**
 * The arithmetic behind the release rule (docs/anonymity.md, "The release rule and its proof").
 *
 * Every number a report releases for a group of people is a sum over that group: a count, a
 * histogram, a sum of stars. An attacker who adds and subtracts released numbers, with any
 * coefficients, learns the same sum over the people where the combination's coefficient is not
 * zero: its *support*. A release is safe at k when no nonzero combination of the released groups
 * (everyone included) has a support of 1 to k−1 people.
 *
 * People with the same membership in the released groups (the same *signature*) are
 * indistinguishable to every combination, so we work on signature classes: a class is a 0/1
 * column vector (1 for everyone, then one entry per released group) with a weight (its people).
 * A combination y gives each class the value y·column, and its support is the weight of the
 * classes off the hyperplane y·x = 0. So: the smallest support of a nonzero combination is the
 * smallest weight of classes left outside a hyperplane of the column space that does not hold
 * them all. `findSmallGroup` searches for such a hyperplane exactly (no coefficient bound, any
 * number of groups): every class of k or more people must lie on it, and at most k−1 people's
 * classes may lie off it, so the search branches at most k−1 times to exclude and at most
 * rank−1 times to include.
 *
 * Ranks are computed exactly: modulo primes below 2^26 (products stay exact in doubles), with as
 * many primes as the Hadamard bound of the matrix asks for, so that a nonzero minor of the 0/1
 * matrix cannot vanish modulo all of them. A set's rank over the rationals is then the largest of
 * its ranks modulo the primes.
 */

/**
 * Primes just below 2^26: a·b < 2^52 for any two residues, so products are exact. Found on first
 * use, not at import: every API cold start imports this module (through the live view), and only
 * a segment release decision ranks a span.
 */
let primesFound: number[] | undefined;
const primes = (): number[] => (primesFound ??= searchPrimes());

function searchPrimes(): number[] {
  const found: number[] = [];
  for (let n = 2 ** 26 - 1; found.length < 40; n -= 2) {
    let prime = true;
    for (let d = 3; d * d <= n; d += 2) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) found.push(n);
  }
  return found;
}

function inverse(a: number, p: number): number {
  let [r0, r1] = [a, p];
  let [s0, s1] = [1, 0];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % p) + p) % p;
}

/** How many primes make the product exceed every minor of an n×n 0/1 matrix (Hadamard). */
function primesFor(n: number): number {
  const log2Bound = ((n + 1) / 2) * Math.log2(n + 1) - n;
  return Math.max(1, Math.ceil((log2Bound + 2) / 25.9));
}

/** An echelon basis modulo one prime; rows are reduced so each pivot column is 1 and unique. */
class ModularSpan {
  constructor(
    readonly p: number,
    readonly rows: Float64Array[] = [],
    readonly pivots: number[] = [],
  ) {}

  get rank() {
    return this.rows.length;
  }

  private reduce(vector: ArrayLike<number>): Float64Array {
    const p = this.p;
    const v = Float64Array.from(vector, (x) => ((x % p) + p) % p);
    for (let i = 0; i < this.rows.length; i++) {
      const factor = v[this.pivots[i]!]!;
      if (factor === 0) continue;
      const row = this.rows[i]!;
      for (let j = 0; j < v.length; j++) {
        if (row[j] !== 0) v[j] = (v[j]! - ((factor * row[j]!) % p) + p) % p;
      }
    }
    return v;
  }

  contains(vector: ArrayLike<number>): boolean {
    return this.reduce(vector).every((x) => x === 0);
  }

  /** Adds the vector; false when it was already in the span. */
  add(vector: ArrayLike<number>): boolean {
    const v = this.reduce(vector);
    const pivot = v.findIndex((x) => x !== 0);
    if (pivot < 0) return false;
    const scale = inverse(v[pivot]!, this.p);
    for (let j = 0; j < v.length; j++) v[j] = (v[j]! * scale) % this.p;
    // Keep the basis reduced: clear the new pivot column from the older rows.
    for (const row of this.rows) {
      const factor = row[pivot]!;
      if (factor === 0) continue;
      for (let j = 0; j < v.length; j++) {
        if (v[j] !== 0) row[j] = (row[j]! - ((factor * v[j]!) % this.p) + this.p) % this.p;
      }
    }
    this.rows.push(v);
    this.pivots.push(pivot);
    return true;
  }

  clone(): ModularSpan {
    return new ModularSpan(
      this.p,
      this.rows.map((r) => r.slice()),
      [...this.pivots],
    );
  }
}

/** The span of 0/1 vectors over the rationals, decided exactly by several primes at once. */
export class ExactSpan {
  private constructor(private readonly spans: ModularSpan[]) {}

  static of(dimension: number): ExactSpan {
    const count = primesFor(dimension);
    if (count > primes().length) throw new Error(`no exact rank for dimension ${dimension}`);
    return new ExactSpan(
      primes()
        .slice(0, count)
        .map((p) => new ModularSpan(p)),
    );
  }

  /** The rank over the rationals: the largest rank modulo any of the primes. */
  get rank(): number {
    let rank = 0;
    for (const s of this.spans) rank = Math.max(rank, s.rank);
    return rank;
  }

  /**
   * In the rational span iff in the span modulo every prime whose rank is the rational rank
   * (a prime where the set's rank dropped says nothing about the set plus the vector).
   */
  contains(vector: ArrayLike<number>): boolean {
    const rank = this.rank;
    return this.spans.every((s) => s.rank < rank || s.contains(vector));
  }

  add(vector: ArrayLike<number>): void {
    for (const s of this.spans) s.add(vector);
  }

  clone(): ExactSpan {
    return new ExactSpan(this.spans.map((s) => s.clone()));
  }
}

export interface SignatureClass {
  /** 1 for everyone, then 1 or 0 per released group. */
  readonly vector: readonly number[];
  /** How many people share this signature. */
  readonly weight: number;
}

/**
 * Groups people 0..people−1 by their membership in the released groups (member lists). A
 * signature is packed into one number while the groups fit in its 52 exact bits.
 */
export function signatureClasses(people: number, groups: readonly (readonly number[])[]): SignatureClass[] {
  const vectorOf = (memberOf: (g: number) => boolean) => [1, ...groups.map((_, g) => (memberOf(g) ? 1 : 0))];
  if (groups.length <= 52) {
    const key = new Float64Array(people);
    groups.forEach((members, g) => {
      for (const p of members) key[p]! += 2 ** g;
    });
    const weight = new Map<number, number>();
    for (const x of key) weight.set(x, (weight.get(x) ?? 0) + 1);
    return [...weight].map(([x, w]) => ({
      vector: vectorOf((g) => Math.floor(x / 2 ** g) % 2 === 1),
      weight: w,
    }));
  }
  const member = Array.from({ length: people }, () => new Set<number>());
  groups.forEach((members, g) => {
    for (const p of members) member[p]!.add(g);
  });
  const byKey = new Map<string, { set: Set<number>; weight: number }>();
  for (const set of member) {
    const key = [...set].join(",");
    const found = byKey.get(key);
    if (found) found.weight++;
    else byKey.set(key, { set, weight: 1 });
  }
  return [...byKey.values()].map(({ set, weight }) => ({ vector: vectorOf((g) => set.has(g)), weight }));
}

export type SmallGroupSearch =
  /** No nonzero combination describes 1 to k−1 people. */
  | { readonly kind: "safe" }
  /** A combination describes `size` people (1 ≤ size < k). */
  | { readonly kind: "found"; readonly size: number }
  /** The search hit its step budget: treat as unsafe. */
  | { readonly kind: "undecided" };

/** Steps of the exact search before it gives up (and the caller suppresses instead). */
export const defaultSearchBudget = 250_000;

/**
 * Is there a nonzero linear combination of the released groups (any coefficients, any number of
 * groups, everyone included) whose support holds 1 to k−1 people? Exact: see the file comment.
 * With `minimum`, keeps searching for the smallest such support instead of stopping at the first.
 */
export function findSmallGroup(
  classes: readonly SignatureClass[],
  k: number,
  options: { budget?: number; minimum?: boolean } = {},
): SmallGroupSearch {
  if (classes.length === 0 || k <= 1) return { kind: "safe" };
  const dimension = classes[0]!.vector.length;
  const full = ExactSpan.of(dimension);
  for (const c of classes) full.add(c.vector);
  const rank = full.rank;

  // Classes of k or more people lie on every hyperplane worth finding; so does their span.
  const base = ExactSpan.of(dimension);
  for (const c of classes) if (c.weight >= k) base.add(c.vector);
  if (base.rank === rank) return { kind: "safe" };
  const free = classes
    .filter((c) => c.weight < k && !base.contains(c.vector))
    .sort((a, b) => b.weight - a.weight || a.vector.join("").localeCompare(b.vector.join("")));

  let steps = 0;
  const budget = options.budget ?? defaultSearchBudget;
  let best = k; // the smallest support found so far must beat this
  let exhausted = false;
  const search = (i: number, span: ExactSpan, excluded: number): void => {
    if (exhausted || (!options.minimum && best < k)) return;
    if (++steps > budget) {
      exhausted = true;
      return;
    }
    if (i === free.length) {
      // The span is below full rank, so a hyperplane holds it; what it leaves out weighs ≤ excluded.
      if (excluded > 0 && excluded < best) best = excluded;
      return;
    }
    const c = free[i]!;
    if (span.contains(c.vector)) {
      search(i + 1, span, excluded);
      return;
    }
    if (span.rank + 1 < rank) {
      const grown = span.clone();
      grown.add(c.vector);
      search(i + 1, grown, excluded);
    }
    if (excluded + c.weight < best) search(i + 1, span, excluded + c.weight);
  };
  search(0, base, 0);
  if (best < k) return { kind: "found", size: best };
  return exhausted ? { kind: "undecided" } : { kind: "safe" };
}

/**
 * The smallest group any ±1 combination of up to `maxTerms` of the given groups (everyone
 * included) describes: the audit card's figure and the property tests' adversary. Null when no
 * such combination is nonzero (nobody at all). `groups` are member lists over people 0..n−1.
 */
export function smallestSignedCombination(
  people: number,
  groups: readonly (readonly number[])[],
  maxTerms = 4,
): number | null {
  if (people === 0) return null;
  // Work on signature classes: a combination is constant on each.
  const membership = Array.from({ length: people }, () => [] as number[]);
  groups.forEach((members, g) => {
    for (const person of members) membership[person]!.push(g);
  });
  const classWeight = new Map<string, { weight: number; groups: Set<number> }>();
  for (const m of membership) {
    const key = m.join(",");
    const found = classWeight.get(key);
    if (found) found.weight++;
    else classWeight.set(key, { weight: 1, groups: new Set(m) });
  }
  const classes = [...classWeight.values()];
  const terms = [
    classes.map(() => 1), // everyone
    ...groups.map((_, g) => classes.map((c) => (c.groups.has(g) ? 1 : 0))),
  ];
  const weights = classes.map((c) => c.weight);
  let best: number | null = null;
  const coefficient = new Int32Array(classes.length);
  const visit = (start: number, depth: number) => {
    if (depth > 0) {
      let support = 0;
      for (let c = 0; c < classes.length; c++) if (coefficient[c] !== 0) support += weights[c]!;
      if (support > 0 && (best === null || support < best)) best = support;
    }
    if (depth === maxTerms) return;
    for (let t = start; t < terms.length; t++) {
      // The first term's sign is fixed: −(a + b) describes the same people as a + b.
      for (const sign of depth === 0 ? [1] : [1, -1]) {
        const term = terms[t]!;
        for (let c = 0; c < classes.length; c++) coefficient[c]! += sign * term[c]!;
        visit(t + 1, depth + 1);
        for (let c = 0; c < classes.length; c++) coefficient[c]! -= sign * term[c]!;
      }
    }
  };
  visit(0, 0);
  return best;
}
