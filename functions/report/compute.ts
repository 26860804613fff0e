import { reportAttributeNames } from "../domain/bounds.js";
import type { Counts } from "../domain/conversation.js";
import { numberThreshold, textThreshold } from "../domain/conversation.js";
import { opinionGroups } from "../domain/opinion-groups.js";
import { publishedRanking } from "../domain/ranking.js";
import {
  consensusThoughts,
  coverage,
  type Histogram,
  polarizingThoughts,
  type ThoughtStats,
} from "../domain/statistics.js";
import type { RatingRecord } from "../repositories/ratings.js";
import { type ThemeInput, themeCards, toStats } from "./cards.js";
import { hasReportName, opinionSection, reportNameNote, sliceAttributes } from "./opinion.js";
import type { Report, ReportThought } from "./schema.js";
import { computeSegments, type SegmentView } from "./segment-views.js";
import type { Contributor } from "./segments.js";

export type { ThemeInput } from "./cards.js";
export type { SegmentView } from "./segment-views.js";
export { segmentViewSize } from "./segment-views.js";

export interface ComputeInput {
  readonly conversation: {
    id: string;
    title: string;
    prompt: string;
    state: string;
    anonymityThreshold: number;
    /** k for free text in segment views; read as at least max(10, anonymityThreshold). */
    textAnonymityThreshold?: number;
  };
  readonly counts: Counts;
  readonly thoughts: readonly { id: string; text: string; createdDay: string; histogram: Histogram }[];
  readonly ratings: readonly RatingRecord[];
  readonly themes: { engine: string; themes: readonly ThemeInput[]; notes?: readonly string[] };
  readonly version: number;
  readonly generatedAt: string;
  /**
   * More attributes of raters, by rater key, that segments are cut by (issue 13's opinion
   * groups: `{ opinionGroup: "B" }`). They join the release rule like any directory attribute.
   */
  readonly raterAttributes?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

export type ReportHead = Omit<Report, "thoughts" | "nextCursor" | "segment">;

export interface ComputedReport {
  readonly head: ReportHead;
  /** Every thought, best first. */
  readonly ranked: ReportThought[];
  /** Rankings as the raters of each released segment see them. */
  readonly segmentViews: SegmentView[];
  /**
   * The raters the release rule counted, each with the attributes it sliced by (opinion group
   * included): what the anonymity audit card re-checks the released slices against. Internal:
   * never stored or served.
   */
  readonly raters: Contributor[];
}

/**
 * The whole report from a conversation's thoughts, ratings and themes. Pure: the job reads the
 * data, calls this, and stores the result; the benchmark calls it on 10,000 thoughts.
 */
export function computeReport(input: ComputeInput): ComputedReport {
  const k = numberThreshold(input.conversation);
  const textK = textThreshold(input.conversation);
  const themeOf = new Map<string, string>();
  for (const theme of input.themes.themes) for (const id of theme.thoughtIds) themeOf.set(id, theme.id);
  const histograms = new Map(input.thoughts.map((t) => [t.id, t.histogram]));
  const histogramOf = (id: string) => histograms.get(id) ?? ([0, 0, 0, 0, 0] as const);
  const texts = new Map(input.thoughts.map((t) => [t.id, t.text]));

  // Every `score` and `ci` below (thoughts, themes, segment views) is rater-adjusted: each
  // rater's estimated generosity is taken off their stars, and their leaning on the
  // conversation's main axis of opinion is re-weighted to the whole room's, before the Bayesian
  // average, because with about twenty raters per thought neither averages out (rater-bias.ts,
  // domain/ranking.ts). count, mean and histogram stay the stars people gave. The heatmap stays raw: it compares segments with each
  // other, and a segment's overall leaning is exactly what a per-rater adjustment would erase.
  const { prior, ranked, momentsOf, biasOf } = publishedRanking(
    input.thoughts.map((t) => ({ id: t.id, histogram: t.histogram })),
    input.ratings,
  );
  const rankOf = new Map(ranked.map((t, i) => [t.id, i]));
  const asReportThought = (t: { id: string; stats: ThoughtStats }): ReportThought => ({
    id: t.id,
    text: texts.get(t.id) ?? "",
    themeId: themeOf.get(t.id) ?? null,
    stats: toStats(t.stats),
  });

  // Opinion groups: raters who rate alike (opinion.ts). Each group holds k_text raters at least,
  // so that, if the release rule allows, its numbers per thought exist (segment views need k_text).
  const groups = opinionGroups(input.ratings, { minGroupSize: textK });
  const groupOf = "groupOf" in groups ? groups.groupOf : undefined;

  // Segments: slices of raters and their numbers, behind the release rule (segment-views.ts).
  // Opinion groups join as one more rater attribute, decided with the directory's.
  const extra = input.raterAttributes;
  // A stored attribute named like the report's own slices is left out, and the report says so.
  const clashing = new Set<string>();
  const ratings = input.ratings.map((r) => {
    const more = extra?.get(r.raterKey);
    const group = groupOf?.get(r.raterKey);
    const attributes = more ? { ...r.attributes, ...more } : r.attributes;
    const clash = hasReportName(attributes);
    if (clash)
      for (const name of reportAttributeNames) if (Object.hasOwn(attributes, name)) clashing.add(name);
    return more || group || clash ? { ...r, attributes: sliceAttributes(attributes, group) } : r;
  });
  const parts = computeSegments({
    thoughts: input.thoughts,
    ratings,
    themes: input.themes.themes,
    themeOf,
    k,
    textK,
    biasOf,
    asReportThought,
  });

  const opinion = opinionSection(
    groups,
    parts,
    ranked.map((t) => ({ id: t.id, text: texts.get(t.id) ?? "" })),
    input.themes.themes,
    k,
  );

  const dayCounts = new Map<string, { thoughts: number; ratings: number }>();
  const bump = (day: string, field: "thoughts" | "ratings") => {
    const entry = dayCounts.get(day) ?? { thoughts: 0, ratings: 0 };
    entry[field]++;
    dayCounts.set(day, entry);
  };
  for (const t of input.thoughts) bump(t.createdDay, "thoughts");
  for (const r of input.ratings) bump(r.day, "ratings");

  const cover = coverage(ranked.map((t) => t.stats.count));
  const counts = input.counts;
  const head: ReportHead = {
    conversation: {
      id: input.conversation.id,
      title: input.conversation.title,
      prompt: input.conversation.prompt,
      state: input.conversation.state,
    },
    version: input.version,
    generatedAt: input.generatedAt,
    approved: false,
    engine: input.themes.engine,
    notes: [
      ...(input.themes.notes ?? []),
      ...leftOutNote(counts, input.thoughts.length, input.ratings.length),
      ...(clashing.size > 0 ? [reportNameNote([...clashing].sort())] : []),
    ],
    anonymityThreshold: k,
    textAnonymityThreshold: textK,
    participation: {
      invited: counts.invited,
      participants: counts.participants,
      thoughts: input.thoughts.length,
      ratings: input.ratings.length,
      skips: counts.skips,
      rate: counts.invited > 0 ? counts.participants / counts.invited : 0,
      shared: { thoughts: counts.thoughts, ratings: counts.ratings },
    },
    coverage: { min: cover.min, median: cover.median, max: cover.max, mean: cover.mean },
    timeline: [...dayCounts].sort(([a], [b]) => a.localeCompare(b)).map(([day, c]) => ({ day, ...c })),
    themes: themeCards(input.themes.themes, histogramOf, momentsOf, prior, rankOf),
    consensusIds: consensusThoughts(ranked, prior).map((t) => t.id),
    polarizingIds: polarizingThoughts(ranked).map((t) => t.id),
    opinionGroups: opinion.section,
    segments: parts.segments,
    heatmap: parts.heatmap,
  };
  return {
    head,
    ranked: ranked.map((t) => {
      const standing = opinion.byThought.get(t.id);
      return standing ? { ...asReportThought(t), opinion: standing } : asReportThought(t);
    }),
    segmentViews: parts.views,
    raters: [
      ...new Map(ratings.map((r) => [r.raterKey, { key: r.raterKey, attributes: r.attributes }])).values(),
    ],
  };
}

/**
 * The live counts count every thought shared and every rating given; the report only visible
 * thoughts and the ratings on them. Says what is left out, so "482 ratings" on the facilitator's
 * page and "470" here never look like an error (issue 12).
 */
export function leftOutNote(
  shared: { thoughts: number; ratings: number },
  thoughtsIn: number,
  ratingsIn: number,
): string[] {
  const thoughts = Math.max(0, shared.thoughts - thoughtsIn);
  const ratings = Math.max(0, shared.ratings - ratingsIn);
  if (thoughts === 0 && ratings === 0) return [];
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const thoughtsText = `${count(thoughts, "thought", "thoughts")} hidden by moderators or not yet reviewed`;
  const what =
    thoughts === 0
      ? `${count(ratings, "rating", "ratings")} on thoughts no longer visible ${ratings === 1 ? "is" : "are"}`
      : ratings === 0
        ? `${thoughtsText} ${thoughts === 1 ? "is" : "are"}`
        : `${thoughtsText}, and ${thoughts === 1 ? "its" : "their"} ${count(ratings, "rating", "ratings")}, are`;
  return [
    `${what} left out of this report: ${shared.thoughts} thoughts were shared and ${shared.ratings} ratings given in all; the report counts the ${thoughtsIn} thoughts in it and their ${ratingsIn} ratings.`,
  ];
}
