import type { Counts } from "../domain/conversation.js";
import { estimateRaterBias } from "../domain/rater-bias.js";
import {
  consensusThoughts,
  conversationPrior,
  coverage,
  groupStats,
  type Histogram,
  histogramMoments,
  type Moments,
  momentsPrior,
  type Prior,
  polarizingThoughts,
  rankThoughts,
} from "../domain/statistics.js";
import { getOrCreate } from "../lib/maps.js";
import type { RatingRecord } from "../repositories/ratings.js";
import type { Report, ReportTheme, ReportThought, Stats } from "./schema.js";
import { type Contributor, releasableSlices, sliceKey } from "./segments.js";

export interface ThemeInput {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly keyPhrases: readonly string[];
  readonly thoughtIds: readonly string[];
}

export interface ComputeInput {
  readonly conversation: {
    id: string;
    title: string;
    prompt: string;
    state: string;
    anonymityThreshold: number;
  };
  readonly counts: Counts;
  readonly thoughts: readonly { id: string; text: string; createdDay: string; histogram: Histogram }[];
  readonly ratings: readonly RatingRecord[];
  readonly themes: { engine: string; themes: readonly ThemeInput[]; notes?: readonly string[] };
  readonly version: number;
  readonly generatedAt: string;
}

export type ReportHead = Omit<Report, "thoughts" | "nextCursor" | "segment">;

export interface SegmentView {
  readonly key: string;
  readonly themes: ReportTheme[];
  readonly thoughts: ReportThought[];
}

export interface ComputedReport {
  readonly head: ReportHead;
  /** Every thought, best first. */
  readonly ranked: ReportThought[];
  /** Rankings as the raters of each released segment see them. */
  readonly segmentViews: SegmentView[];
}

/** Segment views list this many thoughts: enough to read, small enough to store in one item. */
export const segmentViewSize = 50;
const topPerTheme = 5;

function toStats(s: {
  count: number;
  mean: number | null;
  score: number;
  ci: { low: number; high: number };
  histogram: Histogram;
  agreement: number;
  polarization: number;
}): Stats {
  return {
    count: s.count,
    mean: s.mean,
    score: s.score,
    ci: { low: s.ci.low, high: s.ci.high },
    histogram: [...s.histogram],
    agreement: s.agreement,
    polarization: s.polarization,
  };
}

function themeCards(
  themes: readonly ThemeInput[],
  histogramOf: (id: string) => Histogram,
  momentsOf: (id: string) => Moments,
  prior: Prior,
  rankOf: Map<string, number>,
): ReportTheme[] {
  return themes.map((theme) => {
    const group = groupStats(theme.thoughtIds.map(histogramOf), prior, theme.thoughtIds.map(momentsOf));
    const topThoughtIds = [...theme.thoughtIds]
      .sort((a, b) => (rankOf.get(a) ?? Number.MAX_SAFE_INTEGER) - (rankOf.get(b) ?? Number.MAX_SAFE_INTEGER))
      .slice(0, topPerTheme);
    return {
      id: theme.id,
      title: theme.title,
      summary: theme.summary,
      keyPhrases: [...theme.keyPhrases],
      size: theme.thoughtIds.length,
      topThoughtIds,
      stats: { ...toStats(group), meanScore: group.meanScore },
      edited: false,
    };
  });
}

/**
 * The whole report from a conversation's thoughts, ratings and themes. Pure: the job reads the
 * data, calls this, and stores the result; the benchmark calls it on 10,000 thoughts.
 */
export function computeReport(input: ComputeInput): ComputedReport {
  const k = input.conversation.anonymityThreshold;
  const themeOf = new Map<string, string>();
  for (const theme of input.themes.themes) for (const id of theme.thoughtIds) themeOf.set(id, theme.id);
  const histograms = new Map(input.thoughts.map((t) => [t.id, t.histogram]));
  const histogramOf = (id: string) => histograms.get(id) ?? ([0, 0, 0, 0, 0] as const);
  const texts = new Map(input.thoughts.map((t) => [t.id, t.text]));

  // Every `score` and `ci` below (thoughts, themes, segment views) is rater-bias-adjusted: each
  // rater's estimated generosity is taken off their stars before the Bayesian average, because
  // with about twenty raters per thought it does not average out (rater-bias.ts). count, mean and
  // histogram stay the stars people gave. The heatmap stays raw: it compares segments with each
  // other, and a segment's overall leaning is exactly what a per-rater adjustment would erase.
  const bias = estimateRaterBias(input.ratings);
  const biasOf = (raterKey: string) => bias.bias.get(raterKey) ?? 0;
  // A thought whose ratings are not in input.ratings (none yet) falls back to its raw histogram.
  const momentsOf = (id: string) => bias.thoughts.get(id) ?? histogramMoments(histogramOf(id));
  const prior = momentsPrior(input.thoughts.map((t) => momentsOf(t.id)));
  const ranked = rankThoughts(
    input.thoughts.map((t) => ({ id: t.id, histogram: t.histogram, adjusted: momentsOf(t.id) })),
    prior,
  );
  const rankOf = new Map(ranked.map((t, i) => [t.id, i]));
  const asReportThought = (t: (typeof ranked)[number]): ReportThought => ({
    id: t.id,
    text: texts.get(t.id) ?? "",
    themeId: themeOf.get(t.id) ?? null,
    stats: toStats(t.stats),
  });

  // Segments: slices of raters (numbers, k) decided once for the whole population.
  const raters = new Map<string, Contributor>();
  for (const r of input.ratings) raters.set(r.raterKey, { key: r.raterKey, attributes: r.attributes });
  const decisions = releasableSlices([...raters.values()], k);
  const segmentDecisions = decisions.filter((d) => d.attribute !== "*");
  const releasedKeys = new Set(segmentDecisions.filter((d) => d.released).map(sliceKey));

  // One pass over the ratings: histograms and adjusted moments per released slice and thought,
  // raters per slice and theme. Slices reuse the conversation-wide bias estimate: a rater's leaning
  // is best seen against everyone's view of the same thoughts.
  // The hot loop of the whole report (250,000 ratings × a dozen slices): numbered thoughts,
  // slices and raters in typed arrays, each rater's slices worked out once, no string keys inside.
  const released = [...releasedKeys];
  const sliceNumber = new Map(released.map((key, i) => [key, i]));
  const thoughtNumber = new Map(input.thoughts.map((t, i) => [t.id, i]));
  const n = input.thoughts.length;
  const starCounts = released.map(() => new Int32Array(n * 5));
  const moments = released.map(() => ({
    count: new Float64Array(n),
    sum: new Float64Array(n),
    sq: new Float64Array(n),
  }));
  const slicesOfRater = new Map<string, number[]>();
  const sliceThemeRaters = new Map<string, Map<string, Set<string>>>();
  const themeRaters = new Map<string, Set<string>>();
  for (const rating of input.ratings) {
    const t = thoughtNumber.get(rating.thoughtId);
    if (t === undefined) continue;
    const themeId = themeOf.get(rating.thoughtId);
    if (themeId) getOrCreate(themeRaters, themeId, () => new Set()).add(rating.raterKey);
    const slices = getOrCreate(slicesOfRater, rating.raterKey, () =>
      Object.entries(rating.attributes).flatMap(([attribute, value]) => {
        const number = sliceNumber.get(sliceKey({ attribute, value }));
        return number === undefined ? [] : [number];
      }),
    );
    if (slices.length === 0) continue;
    const x = rating.stars - biasOf(rating.raterKey);
    for (const slice of slices) {
      starCounts[slice]![t * 5 + rating.stars - 1]!++;
      const m = moments[slice]!;
      m.count[t]!++;
      m.sum[t]! += x;
      m.sq[t]! += x * x;
      if (themeId) {
        const byTheme = getOrCreate(sliceThemeRaters, released[slice]!, () => new Map<string, Set<string>>());
        getOrCreate(byTheme, themeId, () => new Set<string>()).add(rating.raterKey);
      }
    }
  }
  // Back to the maps the views below read: only thoughts the slice rated.
  const sliceHistograms = new Map<string, Map<string, number[]>>();
  const sliceMoments = new Map<string, Map<string, { count: number; sum: number; sumSquares: number }>>();
  released.forEach((key, slice) => {
    const byThought = new Map<string, number[]>();
    const adjustedByThought = new Map<string, { count: number; sum: number; sumSquares: number }>();
    const c = starCounts[slice]!;
    const m = moments[slice]!;
    input.thoughts.forEach((thought, t) => {
      if (m.count[t] === 0) return;
      byThought.set(thought.id, Array.from(c.subarray(t * 5, t * 5 + 5)));
      adjustedByThought.set(thought.id, { count: m.count[t]!, sum: m.sum[t]!, sumSquares: m.sq[t]! });
    });
    if (byThought.size > 0) {
      sliceHistograms.set(key, byThought);
      sliceMoments.set(key, adjustedByThought);
    }
  });

  const heatmap: ReportHead["heatmap"] = [];
  const segmentViews: SegmentView[] = [];
  for (const decision of segmentDecisions) {
    const key = sliceKey(decision);
    const byThought = sliceHistograms.get(key);
    if (!decision.released || !byThought) {
      for (const theme of input.themes.themes) {
        heatmap.push({ themeId: theme.id, segment: key, score: null, raters: null, suppressed: true });
      }
      continue;
    }
    const sliceHistogramOf = (id: string) =>
      (byThought.get(id) as Histogram | undefined) ?? ([0, 0, 0, 0, 0] as const);
    const adjusted = sliceMoments.get(key)!;
    const sliceMomentsOf = (id: string) => adjusted.get(id) ?? histogramMoments(sliceHistogramOf(id));
    const slicePrior = conversationPrior([...byThought.values()] as unknown as Histogram[]);
    const adjustedPrior = momentsPrior(adjusted.values());
    const sliceRanked = rankThoughts(
      input.thoughts.map((t) => ({
        id: t.id,
        histogram: sliceHistogramOf(t.id),
        adjusted: sliceMomentsOf(t.id),
      })),
      adjustedPrior,
    );
    const sliceRank = new Map(sliceRanked.map((t, i) => [t.id, i]));
    segmentViews.push({
      key,
      themes: themeCards(input.themes.themes, sliceHistogramOf, sliceMomentsOf, adjustedPrior, sliceRank),
      thoughts: sliceRanked.slice(0, segmentViewSize).map(asReportThought),
    });
    for (const theme of input.themes.themes) {
      const cellRaters = sliceThemeRaters.get(key)?.get(theme.id)?.size ?? 0;
      const allRaters = themeRaters.get(theme.id)?.size ?? 0;
      // A cell is a slice of its own: it needs k raters, and so does what the rest of the theme's raters leave.
      const suppressed = cellRaters < k || allRaters - cellRaters < k;
      const score = groupStats(theme.thoughtIds.map(sliceHistogramOf), slicePrior).meanScore;
      heatmap.push({
        themeId: theme.id,
        segment: key,
        score: suppressed ? null : score,
        raters: suppressed ? null : cellRaters,
        suppressed,
      });
    }
  }

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
    notes: [...(input.themes.notes ?? [])],
    anonymityThreshold: k,
    participation: {
      invited: counts.invited,
      participants: counts.participants,
      thoughts: input.thoughts.length,
      ratings: counts.ratings,
      skips: counts.skips,
      rate: counts.invited > 0 ? counts.participants / counts.invited : 0,
    },
    coverage: { min: cover.min, median: cover.median, max: cover.max, mean: cover.mean },
    timeline: [...dayCounts].sort(([a], [b]) => a.localeCompare(b)).map(([day, c]) => ({ day, ...c })),
    themes: themeCards(input.themes.themes, histogramOf, momentsOf, prior, rankOf),
    consensusIds: consensusThoughts(ranked, prior).map((t) => t.id),
    polarizingIds: polarizingThoughts(ranked).map((t) => t.id),
    segments: segmentDecisions.map((d) => ({
      attribute: d.attribute,
      value: d.value,
      key: sliceKey(d),
      released: d.released,
      raters: d.released ? d.size : null,
    })),
    heatmap,
  };
  return { head, ranked: ranked.map(asReportThought), segmentViews };
}
