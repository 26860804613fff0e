import * as z from "zod";
import { responseStatuses } from "../domain/responses.js";

/** The API's report shape (DESIGN §7): what leaders read and what exports are built from. */
const interval = z.object({ low: z.number(), high: z.number() });
export const statsSchema = z.object({
  count: z.int(),
  mean: z.number().nullable(),
  score: z.number(),
  ci: interval,
  histogram: z.array(z.int()).length(5),
  agreement: z.number(),
  polarization: z.number(),
});
export type Stats = z.infer<typeof statsSchema>;

/** One opinion group's view of a thought: released numbers only (report/opinion.ts). */
export const groupShareSchema = z.object({
  groupId: z.string(),
  /** The group's raters of this thought. */
  raters: z.int(),
  /** Of them, the share who gave 4 or 5 stars. */
  share: z.number(),
});

/** A thought's standing across opinion groups, when every group's number for it is released. */
export const thoughtOpinionSchema = z.object({
  /**
   * Group-informed consensus: the product over groups of (4–5★ ratings + 1) ÷ (ratings + 2), as
   * Pol.is defines it with agree votes. High only when every group rates the thought highly.
   */
  consensus: z.number(),
  /** Highest minus lowest group's smoothed 4–5★ share. */
  division: z.number(),
  groups: z.array(groupShareSchema),
});
export type ThoughtOpinion = z.infer<typeof thoughtOpinionSchema>;

export const reportThoughtSchema = z.object({
  id: z.string(),
  text: z.string(),
  themeId: z.string().nullable(),
  stats: statsSchema,
  /** Absent when there are no opinion groups or a group's number for this thought is hidden. */
  opinion: thoughtOpinionSchema.optional(),
});
export type ReportThought = z.infer<typeof reportThoughtSchema>;

export const reportThemeSchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  keyPhrases: z.array(z.string()),
  size: z.int(),
  /** Best-rated members first: what the theme card quotes. */
  topThoughtIds: z.array(z.string()),
  stats: statsSchema.extend({ meanScore: z.number() }),
  /** True when a leader rewrote the title or summary. */
  edited: z.boolean(),
});
export type ReportTheme = z.infer<typeof reportThemeSchema>;

/** Leadership's answer to a theme (DESIGN §1, closing the loop); shown with the published report. */
export const themeResponseSchema = z.object({
  themeId: z.string(),
  heard: z.string(),
  willDo: z.string(),
  /** Who answers for it: the owner's name as it was when the response was saved. */
  owner: z.string(),
  /** The owner's directory id (absent on responses written before owners came from the directory). */
  ownerId: z.string().optional(),
  /** A calendar day, "2027-03-31". */
  dueDate: z.string().optional(),
  status: z.enum(responseStatuses).optional(),
});
export type ThemeResponse = z.infer<typeof themeResponseSchema>;

export const heatmapCellSchema = z.object({
  themeId: z.string(),
  segment: z.string(),
  /** The ranking score (shrunk toward the group's mean). Null when suppressed: fewer than k raters, or a complement under k (DESIGN §3.4). */
  score: z.number().nullable(),
  /** The group's own average of the stars it gave the theme's thoughts (absent on reports before it). */
  average: z.number().nullable().optional(),
  /** Ratings behind `average`. */
  ratings: z.int().nullable().optional(),
  raters: z.int().nullable(),
  suppressed: z.boolean(),
});

export const segmentSchema = z.object({
  attribute: z.string(),
  value: z.string(),
  key: z.string(),
  /** Released for numbers (k): the heatmap shows its cells. */
  released: z.boolean(),
  /** Only shown for released slices; a suppressed slice shows no number at all. */
  raters: z.int().nullable(),
  /** Released for text too (k_text): `?segment=` gives its themes, quotes and ranking. */
  text: z.boolean().optional(),
  /**
   * Why a slice is hidden: fewer than k people; what the released values of its attribute leave
   * of everyone would be under k; or a combination with other released slices would describe
   * a group under k (segments.ts).
   */
  reason: z.enum(["too-few", "complement-too-few", "differs-from-another-slice"]).optional(),
});

/** A listed thought (common ground, divisive) with its text: the lists are read beside the top list. */
const opinionEntrySchema = z
  .object({ thoughtId: z.string(), text: z.string() })
  .extend(thoughtOpinionSchema.shape);

/** One opinion group's view of a theme: its heatmap cell, released by the same rule. */
const groupThemeShareSchema = z.object({
  groupId: z.string(),
  /** The group's raters of the theme's thoughts. */
  raters: z.int(),
  /** Their ratings of the theme's thoughts. */
  ratings: z.int(),
  /** Of those ratings, the share of 4 or 5 stars. */
  share: z.number(),
});

/** A theme's standing across opinion groups, when every group's cell for it is released. */
const themeOpinionEntrySchema = z.object({
  themeId: z.string(),
  title: z.string(),
  /** As a thought's, over the theme's ratings: the product of the groups' smoothed 4–5★ shares. */
  consensus: z.number(),
  division: z.number(),
  groups: z.array(groupThemeShareSchema),
  /** Every group (and every released segment) rates it highly: common ground. */
  commonGround: z.boolean(),
  /** The groups' shares are far apart (consensus.ts DIVIDING_SPREAD). */
  divisive: z.boolean(),
});

/**
 * Opinion groups (functions/domain/opinion-groups.ts): raters who rate alike, shown only in
 * aggregate and only as the release rule allows, like any segment (their slices are
 * `opinionGroup:A`, …, in `segments` and the heatmap).
 */
export const opinionGroupsSchema = z.object({
  /**
   * shown: groups and their numbers; too-few-raters: not enough people rated enough to tell
   * groups apart at k_text each; no-pattern: ratings show no shared pattern; hidden: groups were
   * found, but the release rule withholds at least one, so none is shown.
   */
  state: z.enum(["shown", "too-few-raters", "no-pattern", "hidden"]),
  groups: z.array(z.object({ id: z.string(), key: z.string(), raters: z.int() })),
  /** Mean silhouette of the grouping (−1…1): how clearly the groups stand apart. */
  separation: z.number().nullable(),
  /**
   * Thoughts whose every group number is released (each group ≥ k raters of it): the ones common
   * ground and division can be read on. 0 when thoughts had too few ratings per group.
   */
  comparable: z.int(),
  /** Thoughts every group (and every released segment) rates highly, highest consensus first. */
  commonGround: z.array(opinionEntrySchema),
  /** Thoughts the groups rate most differently, widest gap first. */
  divisive: z.array(opinionEntrySchema),
  /**
   * The same by theme, from the heatmap's released cells: a theme pools its thoughts' ratings, so
   * it can be compared across groups when single thoughts have too few raters in some group
   * (absent on reports before it).
   */
  themes: z
    .object({
      /** Themes whose every group cell is released. */
      comparable: z.int(),
      /** Those themes, most shared first (highest group-informed consensus). */
      entries: z.array(themeOpinionEntrySchema),
    })
    .optional(),
});
export type OpinionGroupsReport = z.infer<typeof opinionGroupsSchema>;

/**
 * The anonymity audit card (functions/anonymity/card.ts): what `npm run audit:anonymity` finds
 * for this conversation, computed with the report. Absent on reports computed before it.
 */
export const anonymityCardSchema = z.object({
  k: z.int(),
  /** The fewest people any stored thought could be from, after every join an operator can make. */
  fewestAuthors: z.int().nullable(),
  /** The same for any stored rating. */
  fewestRaters: z.int().nullable(),
  /** The finest time stored next to a thought id: "day" at most when the promise holds. */
  finestTimestamp: z.enum(["day", "hour", "minute", "second", "millisecond"]).nullable(),
  /** The smallest group any combination of this report's released slices describes. */
  smallestReleasedGroup: z.int().nullable(),
  passed: z.boolean(),
  /** The day it was checked. */
  checkedDay: z.string(),
});
export type AnonymityCard = z.infer<typeof anonymityCardSchema>;

export const reportSchema = z.object({
  conversation: z.object({ id: z.string(), title: z.string(), prompt: z.string(), state: z.string() }),
  version: z.int(),
  generatedAt: z.string(),
  approved: z.boolean(),
  engine: z.string(),
  notes: z.array(z.string()),
  anonymityThreshold: z.int(),
  /** k_text: fewest people behind any text shown for a group (absent on reports before it). */
  textAnonymityThreshold: z.int().optional(),
  participation: z.object({
    invited: z.int(),
    participants: z.int(),
    /** Thoughts in the report (visible), and the ratings given to them. */
    thoughts: z.int(),
    ratings: z.int(),
    skips: z.int(),
    rate: z.number(),
    /**
     * Everything shared and given, the facilitator's live counts: hidden and unreviewed thoughts
     * and their ratings included. Absent on reports before it (their `ratings` was this figure).
     */
    shared: z.object({ thoughts: z.int(), ratings: z.int() }).optional(),
  }),
  /**
   * Who took part, by group, behind the release rule (participation-segments.ts); absent on
   * reports before it.
   */
  participationBySegment: z
    .object({
      groups: z.array(
        z.object({ attribute: z.string(), value: z.string(), invited: z.int(), participants: z.int() }),
      ),
      hidden: z.int(),
    })
    .optional(),
  coverage: z.object({ min: z.number(), median: z.number(), max: z.number(), mean: z.number() }),
  timeline: z.array(z.object({ day: z.string(), thoughts: z.int(), ratings: z.int() })),
  themes: z.array(reportThemeSchema),
  consensusIds: z.array(z.string()),
  polarizingIds: z.array(z.string()),
  /** Absent on reports computed before opinion groups existed. */
  opinionGroups: opinionGroupsSchema.optional(),
  anonymityAudit: anonymityCardSchema.optional(),
  thoughts: z.array(reportThoughtSchema),
  /** Cursor for the next page of ranked thoughts; absent on the last page. */
  nextCursor: z.string().optional(),
  segments: z.array(segmentSchema).optional(),
  heatmap: z.array(heatmapCellSchema).optional(),
  /** Set when the report is filtered by `?segment=attribute:value`. */
  segment: z.string().optional(),
  /** In a segment view: themes whose numbers for the segment are hidden to protect anonymity. */
  hiddenThemes: z.array(z.object({ id: z.string(), title: z.string() })).optional(),
  /** In a segment view: rated thoughts left out because too few of the segment rated them. */
  hiddenThoughts: z.int().optional(),
  /** Leadership's responses to this report's themes. */
  responses: z.array(themeResponseSchema).optional(),
});
export type Report = z.infer<typeof reportSchema>;
