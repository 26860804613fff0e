import { type Audience, audienceIncludes } from "../domain/conversation.js";
import type { Person } from "../domain/person.js";
import { ValidationError } from "../errors.js";
import type { Services } from "../services.js";

/**
 * Audiences are built from the directory (issue 12, "audience picker"): the values people can be
 * picked by, how many an audience invites, and a check that every value named exists. The counts
 * are headcounts of the directory, shown to staff who build audiences; docs/anonymity.md "The
 * audience picker's invited count" says why that is not what the release rule protects.
 */

export interface AttributeValues {
  name: string;
  values: { value: string; people: number }[];
}

/** The attributes to pick from, first the ones every template names, then the rest by name. */
const preferred = ["department", "location", "tenureBand"];

/** Every attribute value active people have, with how many have it. */
export function attributeValues(people: readonly Person[]): AttributeValues[] {
  const found = new Map<string, Map<string, number>>();
  for (const person of people) {
    if (!person.active) continue;
    for (const [name, value] of Object.entries(person.attributes)) {
      if (!value) continue;
      const values = found.get(name) ?? new Map<string, number>();
      values.set(value, (values.get(value) ?? 0) + 1);
      found.set(name, values);
    }
  }
  const rank = (name: string) => (preferred.includes(name) ? preferred.indexOf(name) : preferred.length);
  return [...found]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, values]) => ({
      name,
      values: [...values]
        .sort(([x], [y]) => x.localeCompare(y, undefined, { numeric: true }))
        .map(([value, count]) => ({ value, people: count })),
    }));
}

/** How many active people an audience invites. */
export const invitedCount = (people: readonly Person[], audience: Audience) =>
  people.filter((p) => p.active && audienceIncludes(audience, p.attributes)).length;

/**
 * The attribute values an audience names that no active person has, as field problems; values the
 * conversation already had (`previous`) are let through, so a directory change never blocks an
 * unrelated edit.
 */
export function unknownValues(
  people: readonly Person[],
  audience: Audience,
  previous?: Audience,
): { path: string; message: string }[] {
  if (audience.kind === "everyone") return [];
  const known = new Map(attributeValues(people).map((a) => [a.name, new Set(a.values.map((v) => v.value))]));
  const had = previous?.kind === "segments" ? previous.segments : {};
  const issues: { path: string; message: string }[] = [];
  for (const [name, values] of Object.entries(audience.segments)) {
    const existing = known.get(name);
    for (const value of values) {
      if (existing?.has(value) || (Object.hasOwn(had, name) && had[name]?.includes(value))) continue;
      issues.push({
        path: `audience.segments.${name}`,
        message: existing
          ? `no one in the directory has ${name} “${value}”`
          : `the directory has no attribute “${name}”`,
      });
    }
  }
  return issues;
}

/** The invited count of an audience, after checking it against the directory (a 400 if it names unknown values). */
export async function checkedInvited(s: Services, audience: Audience, previous?: Audience): Promise<number> {
  const people = await s.directory.all();
  const issues = unknownValues(people, audience, previous);
  if (issues.length > 0)
    throw new ValidationError("The audience names groups the directory does not have.", issues);
  return invitedCount(people, audience);
}
