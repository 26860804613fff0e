import { type Contributor, releasableSlices } from "./segments.js";

/** One group's participation: people who took part of those invited. */
export interface GroupParticipation {
  readonly attribute: string;
  readonly value: string;
  readonly invited: number;
  readonly participants: number;
}

export interface ParticipationBySegment {
  /** Released groups, largest first within each attribute (the rule's order). */
  readonly groups: GroupParticipation[];
  /** Groups held back by the release rule: counted, never named. */
  readonly hidden: number;
}

/**
 * Participation per group for the executive summary (issue 12), behind the same release rule
 * as every other slice (segments.ts): the people who took part are the population, so a group
 * is shown only with at least k of them, never leaving a complement under k, and never in a
 * combination with other shown groups that would single out fewer than k people. Invited counts
 * come from the directory (how many people each group has), which leaders can read anyway.
 */
export function participationBySegment(input: {
  readonly participants: readonly Contributor[];
  readonly invited: readonly { readonly attributes: Readonly<Record<string, string>> }[];
  readonly k: number;
}): ParticipationBySegment {
  const decisions = releasableSlices(input.participants, input.k).filter((d) => d.attribute !== "*");
  const invitedIn = (attribute: string, value: string) =>
    input.invited.filter((p) => p.attributes[attribute] === value).length;
  const groups = decisions
    .filter((d) => d.released)
    .map((d) => ({
      attribute: d.attribute,
      value: d.value,
      participants: d.size,
      // A person can join and then leave the audience (or the directory): never below who took part.
      invited: Math.max(d.size, invitedIn(d.attribute, d.value)),
    }))
    .sort(
      (a, b) =>
        a.attribute.localeCompare(b.attribute) || b.invited - a.invited || a.value.localeCompare(b.value),
    );
  return { groups, hidden: decisions.filter((d) => !d.released).length };
}
