/**
 * The third figure of the anonymity audit (issue 9): the smallest group any combination of a
 * report's released slices describes. It is the release rule's own checker (report/segments.ts)
 * run again, after the fact, over what a stored report actually released — the rater segments
 * (directory attributes and opinion groups together, as the report decided them) and the
 * participation-by-group figures — on the population the audit can rebuild from the table.
 *
 * Two numbers: `smallest` is the smallest nonzero group any ±1 combination of up to four
 * released slices, everyone included, describes (what a reader with a calculator tries first);
 * `underK` is the exact check over every linear combination (disclosure.ts), null when no
 * combination describes 1..k−1 people.
 */
import * as z from "zod";
import { numberThreshold, textThreshold } from "../domain/conversation.js";
import { opinionGroups } from "../domain/opinion-groups.js";
import { sliceAttributes } from "../report/opinion.js";
import {
  type Contributor,
  type SliceId,
  smallestReleasedCombination,
  smallestReleasedGroup,
} from "../report/segments.js";

export interface ReleasedFamilyAudit {
  /** Which released slices: the report's rater segments, or its participation by group. */
  readonly family: "segments" | "participation";
  /** People the slices are counted over (raters, or people who took part). */
  readonly population: number;
  /** Released slices, everyone excluded. */
  readonly released: number;
  /** The smallest group a ±1 combination of up to four released slices describes. */
  readonly smallest: number | null;
  /** The exact check: the size of a group of 1..k−1 some combination describes, or null for none. */
  readonly underK: number | null;
  /** The exact search ran out of steps (counted as a failure). */
  readonly undecided: boolean;
}

/** Runs the release rule's checkers over one released family. */
export function auditReleasedFamily(
  family: ReleasedFamilyAudit["family"],
  population: readonly Contributor[],
  released: readonly SliceId[],
  k: number,
): ReleasedFamilyAudit {
  const exact = smallestReleasedGroup(population, released, k);
  return {
    family,
    population: population.length,
    released: released.filter((s) => s.attribute !== "*").length,
    smallest: smallestReleasedCombination(population, released),
    underK: exact.kind === "found" ? exact.size : null,
    undecided: exact.kind === "undecided",
  };
}

export interface StoredRating {
  readonly thoughtId: string;
  readonly raterKey: string;
  readonly stars: number;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * The report's rater population as its job saw it: each rater with their stored snapshot and the
 * opinion group the same deterministic grouping puts them in (compute.ts does exactly this).
 */
export function raterPopulation(
  ratings: readonly StoredRating[],
  settings: { readonly anonymityThreshold: number; readonly textAnonymityThreshold?: number },
): Contributor[] {
  const groups = opinionGroups(ratings, { minGroupSize: textThreshold(settings) });
  const groupOf = "groupOf" in groups ? groups.groupOf : undefined;
  const raters = new Map<string, Contributor>();
  for (const r of ratings) {
    if (raters.has(r.raterKey)) continue;
    const group = groupOf?.get(r.raterKey);
    raters.set(r.raterKey, {
      key: r.raterKey,
      attributes: sliceAttributes(r.attributes, group),
    });
  }
  return [...raters.values()];
}

/**
 * What a stored report head releases, read tolerantly from a raw item: the segments with their
 * released flag (schema.ts segmentSchema) and the participation groups shown.
 */
export const reportReleasesSchema = z.object({
  segments: z.array(z.object({ attribute: z.string(), value: z.string(), released: z.boolean() })).optional(),
  participationBySegment: z
    .object({ groups: z.array(z.object({ attribute: z.string(), value: z.string() })) })
    .optional(),
});
export type ReportReleases = z.infer<typeof reportReleasesSchema>;

/** A conversation's k settings as stored, read tolerantly (the audit never trusts a shape). */
export const storedSettingsSchema = z.object({
  anonymityThreshold: z.number().catch(5).default(5),
  textAnonymityThreshold: z.number().optional().catch(undefined),
});

/** Both released families of one report, over the populations rebuilt from stored items. */
export function auditReport(input: {
  readonly report: ReportReleases;
  readonly ratings: readonly StoredRating[];
  /** The raters as the report job counted them (opinion groups included); rebuilt when absent. */
  readonly raters?: readonly Contributor[];
  readonly participants: readonly Contributor[];
  readonly settings: { readonly anonymityThreshold: number; readonly textAnonymityThreshold?: number };
}): ReleasedFamilyAudit[] {
  const k = numberThreshold(input.settings);
  const released = (input.report.segments ?? []).filter((s) => s.released);
  const raters = input.raters ?? raterPopulation(input.ratings, input.settings);
  const audits = [auditReleasedFamily("segments", raters, released, k)];
  if (input.report.participationBySegment) {
    audits.push(
      auditReleasedFamily("participation", input.participants, input.report.participationBySegment.groups, k),
    );
  }
  return audits;
}

/** The smallest of the families' figures, and whether every family passes (nothing under k). */
export function releasedSummary(audits: readonly ReleasedFamilyAudit[], k: number) {
  const smallest = audits.map((a) => a.smallest).filter((n): n is number => n !== null);
  const min = smallest.length ? Math.min(...smallest) : null;
  return {
    smallest: min,
    passed: audits.every((a) => a.underK === null && !a.undecided) && (min === null || min >= k),
  };
}
