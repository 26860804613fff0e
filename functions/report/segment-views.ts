import { ratedFigures } from "../domain/executive-summary.js";
import {
  addHistograms,
  conversationPrior,
  groupStats,
  type Histogram,
  histogramMoments,
  momentsPrior,
  rankThoughts,
  type ThoughtStats,
} from "../domain/statistics.js";
import { getOrCreate } from "../lib/maps.js";
import type { RatingRecord } from "../repositories/ratings.js";
import { type ThemeInput, themeCards } from "./cards.js";
import { hideThemeRemainders, signatureSafeCells } from "./cells.js";
import type { Report, ReportThought } from "./schema.js";
import { type Contributor, releasableSlices, sliceKey } from "./segments.js";

/** Segment views list this many thoughts: enough to read, small enough to store in one item. */
export const segmentViewSize = 50;

export interface SegmentView {
  readonly key: string;
  /** Themes whose cell for this segment is released, with the segment's numbers. */
  readonly themes: Report["themes"];
  /** Themes whose cell is hidden: the view names them and shows no number. */
  readonly hiddenThemeIds: string[];
  /** The segment's ranking, over thoughts whose cell it releases. */
  readonly thoughts: ReportThought[];
  /** How many rated thoughts the view leaves out because their cell is hidden. */
  readonly hiddenThoughts: number;
}

export interface SegmentInput {
  readonly thoughts: readonly { id: string }[];
  readonly ratings: readonly RatingRecord[];
  readonly themes: readonly ThemeInput[];
  readonly themeOf: ReadonlyMap<string, string>;
  /** k for numbers and k for text (already at least their floors). */
  readonly k: number;
  readonly textK: number;
  readonly biasOf: (raterKey: string) => number;
  readonly asReportThought: (t: { id: string; stats: ThoughtStats }) => ReportThought;
}

export interface SegmentParts {
  readonly segments: NonNullable<Report["segments"]>;
  readonly heatmap: NonNullable<Report["heatmap"]>;
  readonly views: SegmentView[];
  /**
   * Per segment view, every released thought cell's histogram (a view lists only its top ones):
   * what opinion groups' consensus is computed from (report/opinion.ts), so it only ever uses
   * numbers this rule released.
   */
  readonly thoughtCells: ReadonlyMap<string, ReadonlyMap<string, Histogram>>;
  /**
   * Per released segment, every released theme cell (the heatmap's): its raters and the stars
   * they gave the theme's thoughts. Opinion groups' consensus by theme reads these, so it only
   * ever uses cells the heatmap already shows.
   */
  readonly themeCells: ReadonlyMap<string, ReadonlyMap<string, { raters: number; histogram: Histogram }>>;
}

/**
 * Segments of raters, decided once for the whole report (segments.ts), then their numbers:
 * heatmap cells per theme and thought cells per thought, each behind its own rule (cells.ts).
 * A segment view (themes, quotes, a ranking) exists only for segments released for text (k_text);
 * the heatmap shows numbers for every segment released at k. The view's theme numbers are the
 * heatmap's cells: the two always agree.
 */
export function computeSegments(input: SegmentInput): SegmentParts {
  const { k, textK } = input;
  const raters = new Map<string, Contributor>();
  for (const r of input.ratings)
    if (!raters.has(r.raterKey)) raters.set(r.raterKey, { key: r.raterKey, attributes: r.attributes });
  const population = [...raters.values()];
  const numberDecisions = releasableSlices(population, k).filter((d) => d.attribute !== "*");
  const released = numberDecisions.filter((d) => d.released).map(sliceKey);
  const releasedSet = new Set(released);
  const textReleased = new Set(
    releasableSlices(population, textK, { candidates: releasedSet })
      .filter((d) => d.released && d.attribute !== "*")
      .map(sliceKey),
  );
  const views = released.filter((key) => textReleased.has(key));

  // One pass over the ratings (the report's hot loop: 250,000 ratings × a dozen slices):
  // numbered thoughts, slices and raters in typed arrays, each rater's slices worked out once.
  const sliceNumber = new Map(released.map((key, i) => [key, i]));
  const viewNumber = new Map(views.map((key, i) => [key, i]));
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
  /** Per thought, its raters and, per rater, the view segments they are in (thought cells). */
  const thoughtRaters: string[][] = input.thoughts.map(() => []);
  const thoughtRaterViews: number[][][] = input.thoughts.map(() => []);
  const viewsByRater = new Map<string, number[]>();
  for (const rating of input.ratings) {
    const t = thoughtNumber.get(rating.thoughtId);
    if (t === undefined) continue;
    const themeId = input.themeOf.get(rating.thoughtId);
    if (themeId) getOrCreate(themeRaters, themeId, () => new Set()).add(rating.raterKey);
    const slices = getOrCreate(slicesOfRater, rating.raterKey, () =>
      Object.entries(rating.attributes).flatMap(([attribute, value]) => {
        const number = sliceNumber.get(sliceKey({ attribute, value }));
        return number === undefined ? [] : [number];
      }),
    );
    if (views.length > 0) {
      thoughtRaters[t]!.push(rating.raterKey);
      thoughtRaterViews[t]!.push(
        getOrCreate(viewsByRater, rating.raterKey, () =>
          slices.flatMap((slice) => {
            const v = viewNumber.get(released[slice]!);
            return v === undefined ? [] : [v];
          }),
        ),
      );
    }
    if (slices.length === 0) continue;
    const x = rating.stars - input.biasOf(rating.raterKey);
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

  // Theme cells: the release rule over each theme's raters, among the released segments.
  const themeCellReleased = new Map<string, Set<string>>();
  for (const theme of input.themes) {
    const people = [...(themeRaters.get(theme.id) ?? [])].map((key) => raters.get(key)!);
    const decisions = releasableSlices(people, k, { candidates: releasedSet, everyoneAlwaysReleased: true });
    themeCellReleased.set(
      theme.id,
      new Set(decisions.filter((d) => d.released && d.attribute !== "*").map(sliceKey)),
    );
  }

  // Thought cells of segment views: the signature rule per thought, among the view segments.
  const thoughtCells = views.map(() => new Set<string>());
  if (views.length > 0) {
    input.thoughts.forEach((thought, t) => {
      for (const v of signatureSafeCells(thoughtRaterViews[t]!, views.length, k))
        thoughtCells[v]!.add(thought.id);
    });
    // A released theme cell minus its released thought cells must not single out a few raters.
    const ratersIn = (t: number, v: number) =>
      thoughtRaters[t]!.filter((_, i) => thoughtRaterViews[t]![i]!.includes(v));
    views.forEach((key, v) => {
      for (const theme of input.themes) {
        if (!themeCellReleased.get(theme.id)?.has(key)) continue;
        const cells = theme.thoughtIds.flatMap((id) => {
          const t = thoughtNumber.get(id);
          if (t === undefined) return [];
          const ofSegment = ratersIn(t, v);
          return ofSegment.length === 0
            ? []
            : [{ id, raters: ofSegment, released: thoughtCells[v]!.has(id) }];
        });
        for (const id of hideThemeRemainders(cells, k)) thoughtCells[v]!.delete(id);
      }
    });
  }

  const heatmap: SegmentParts["heatmap"] = [];
  const segmentViews: SegmentView[] = [];
  const releasedCells = new Map<string, Map<string, Histogram>>();
  const releasedThemeCells = new Map<string, Map<string, { raters: number; histogram: Histogram }>>();
  for (const decision of numberDecisions) {
    const key = sliceKey(decision);
    const slice = sliceNumber.get(key);
    if (slice === undefined) {
      for (const theme of input.themes) {
        heatmap.push({
          themeId: theme.id,
          segment: key,
          score: null,
          average: null,
          ratings: null,
          raters: null,
          suppressed: true,
        });
      }
      continue;
    }
    const c = starCounts[slice]!;
    const m = moments[slice]!;
    const byThought = new Map<string, Histogram>();
    const adjusted = new Map<string, { count: number; sum: number; sumSquares: number }>();
    input.thoughts.forEach((thought, t) => {
      if (m.count[t] === 0) return;
      byThought.set(thought.id, Array.from(c.subarray(t * 5, t * 5 + 5)) as unknown as Histogram);
      adjusted.set(thought.id, { count: m.count[t]!, sum: m.sum[t]!, sumSquares: m.sq[t]! });
    });
    const histogramOf = (id: string) => byThought.get(id) ?? ([0, 0, 0, 0, 0] as const);
    const momentsOf = (id: string) => adjusted.get(id) ?? histogramMoments(histogramOf(id));
    const slicePrior = conversationPrior([...byThought.values()]);
    const themeCellsOfSlice = new Map<string, { raters: number; histogram: Histogram }>();
    releasedThemeCells.set(key, themeCellsOfSlice);
    for (const theme of input.themes) {
      const shown = themeCellReleased.get(theme.id)?.has(key) ?? false;
      const cellRaters = sliceThemeRaters.get(key)?.get(theme.id)?.size ?? 0;
      // What the group itself said: the plain average of its stars on the theme (issue 12,
      // defect 4), beside the ranking score, which pulls small groups toward their own mean.
      const stars = addHistograms(theme.thoughtIds.map(histogramOf));
      const own = ratedFigures(stars);
      if (shown) themeCellsOfSlice.set(theme.id, { raters: cellRaters, histogram: stars });
      heatmap.push({
        themeId: theme.id,
        segment: key,
        score: shown ? groupStats(theme.thoughtIds.map(histogramOf), slicePrior).meanScore : null,
        average: shown ? own.average : null,
        ratings: shown ? own.ratings : null,
        raters: shown ? cellRaters : null,
        suppressed: !shown,
      });
    }
    const v = viewNumber.get(key);
    if (v === undefined) continue;
    const cells = thoughtCells[v]!;
    releasedCells.set(key, new Map([...cells].map((id) => [id, histogramOf(id)])));
    const adjustedPrior = momentsPrior(adjusted.values());
    const ranked = rankThoughts(
      input.thoughts
        .filter((t) => cells.has(t.id))
        .map((t) => ({ id: t.id, histogram: histogramOf(t.id), adjusted: momentsOf(t.id) })),
      adjustedPrior,
    );
    const rank = new Map(ranked.map((t, i) => [t.id, i]));
    const shownThemes = input.themes.filter((theme) => themeCellReleased.get(theme.id)?.has(key));
    segmentViews.push({
      key,
      themes: themeCards(shownThemes, histogramOf, momentsOf, adjustedPrior, rank, (id) => cells.has(id)),
      hiddenThemeIds: input.themes.filter((theme) => !shownThemes.includes(theme)).map((theme) => theme.id),
      thoughts: ranked.slice(0, segmentViewSize).map(input.asReportThought),
      hiddenThoughts: byThought.size - ranked.length,
    });
  }

  const segments = numberDecisions.map((d) => ({
    attribute: d.attribute,
    value: d.value,
    key: sliceKey(d),
    released: d.released,
    raters: d.released ? d.size : null,
    text: viewNumber.has(sliceKey(d)),
    ...(d.reason && { reason: d.reason }),
  }));
  return {
    segments,
    heatmap,
    views: segmentViews,
    thoughtCells: releasedCells,
    themeCells: releasedThemeCells,
  };
}
