/**
 * The report's opinion-group section (issue 13): groups of raters who rate alike
 * (domain/opinion-groups.ts), what every group rates highly (common ground), and what divides
 * them (domain/consensus.ts).
 *
 * Anonymity (DESIGN §3.4, docs/anonymity.md): a group is a slice of raters like a department. The
 * groups join the release rule as one more rater attribute (`opinionGroup`), decided together
 * with every directory attribute; its numbers per thought are the rule's thought cells, decided
 * together with every other segment's. This module only reads what the rule released: a thought's
 * group numbers appear only when every group's cell for it is released, and a group is shown only
 * when every group is released for text (the groups' views hold thought cells only then).
 */

import { reportAttributeNames } from "../domain/bounds.js";
import {
  commonGround,
  consensusOf,
  divisive,
  isCommonGround,
  isDivisive,
  isHigh,
  type ThoughtConsensus,
} from "../domain/consensus.js";
import type { OpinionGroups } from "../domain/opinion-groups.js";
import type { Histogram } from "../domain/statistics.js";
import type { OpinionGroupsReport, ThoughtOpinion } from "./schema.js";
import type { SegmentParts } from "./segment-views.js";

export const OPINION_ATTRIBUTE = "opinionGroup";
export const opinionGroupKey = (id: string) => `${OPINION_ATTRIBUTE}:${id}`;

/** Whether stored attributes carry a name the report slices by itself (bounds.ts reportAttributeNames). */
export const hasReportName = (attributes: Readonly<Record<string, string>>) =>
  [...reportAttributeNames].some((name) => Object.hasOwn(attributes, name));

/**
 * A rater's attributes as the report slices them: their stored snapshot without any attribute
 * named like one of the report's own slices, then their opinion group. The directory import
 * refuses such a name, but snapshots stored before it did keep theirs; kept, a directory
 * `opinionGroup: A` would be counted as opinion group A (or, with no groups found, shown as one).
 * The report job and the anonymity audit both build their raters with this.
 */
export function sliceAttributes(
  attributes: Readonly<Record<string, string>>,
  group: string | undefined,
): Readonly<Record<string, string>> {
  const own = hasReportName(attributes)
    ? Object.fromEntries(Object.entries(attributes).filter(([name]) => !reportAttributeNames.has(name)))
    : attributes;
  return group ? { ...own, [OPINION_ATTRIBUTE]: group } : own;
}

/** The report's note when stored snapshots carried a report-owned name (sliceAttributes). */
export const reportNameNote = (names: readonly string[]) =>
  `The directory attribute ${names.map((n) => `“${n}”`).join(", ")} is left out of the segments: the report uses that name for its opinion groups. Rename it in the directory (for example to “team”) to slice later conversations by it.`;
const listSize = 10;

export interface OpinionSection {
  readonly section: OpinionGroupsReport;
  /** Per thought id, its standing across groups (only thoughts whose every group cell is released). */
  readonly byThought: ReadonlyMap<string, ThoughtOpinion>;
}

const tally = (histogram: Histogram) => ({
  ratings: histogram.reduce((s, x) => s + x, 0),
  high: histogram.reduce((s, x, i) => s + (isHigh(i + 1) ? x : 0), 0),
});
/** A thought cell's tally: each rater rates a thought once, so its ratings are its raters. */
const thoughtTally = (histogram: Histogram) => {
  const { ratings, high } = tally(histogram);
  return { raters: ratings, high };
};

export function opinionSection(
  found: OpinionGroups | { readonly groups: readonly []; readonly reason: "too-few-raters" | "no-pattern" },
  parts: Pick<SegmentParts, "segments" | "thoughtCells" | "themeCells">,
  thoughts: readonly { readonly id: string; readonly text: string }[],
  themes: readonly { readonly id: string; readonly title: string }[],
  k: number,
): OpinionSection {
  const textOf = new Map(thoughts.map((t) => [t.id, t.text]));
  const empty = (state: OpinionGroupsReport["state"]): OpinionSection => ({
    section: { state, groups: [], separation: null, comparable: 0, commonGround: [], divisive: [] },
    byThought: new Map(),
  });
  if (!("groupOf" in found)) return empty(found.reason);
  const keys = found.groups.map((g) => opinionGroupKey(g.id));
  const decisions = new Map(parts.segments.map((s) => [s.key, s]));
  // Every group, or none: consensus over some of the groups would be a different number, and a
  // group missing from the list would itself say something about it.
  if (!keys.every((key) => decisions.get(key)?.released && decisions.get(key)?.text)) return empty("hidden");

  const groupCells = keys.map((key) => parts.thoughtCells.get(key) ?? new Map<string, Histogram>());
  const segmentCells = [...parts.thoughtCells]
    .filter(([key]) => !keys.includes(key))
    .map(([, cells]) => cells);
  const standings: ThoughtConsensus[] = thoughts.flatMap(({ id }) => {
    const cells = groupCells.map((cells) => cells.get(id));
    if (cells.some((c) => c === undefined)) return [];
    return [
      consensusOf(
        id,
        cells.map((histogram, g) => ({ groupId: found.groups[g]!.id, ...thoughtTally(histogram!) })),
        true,
      ),
    ];
  });
  const segmentsOf = (id: string) =>
    segmentCells.flatMap((cells) => {
      const histogram = cells.get(id);
      return histogram ? [thoughtTally(histogram)] : [];
    });
  const entry = (t: ThoughtConsensus) => ({
    thoughtId: t.thoughtId,
    text: textOf.get(t.thoughtId) ?? "",
    ...opinionOf(t),
  });
  return {
    section: {
      state: "shown",
      groups: found.groups.map((g, i) => ({
        id: g.id,
        key: keys[i]!,
        raters: decisions.get(keys[i]!)!.raters ?? g.size,
      })),
      separation: found.separation,
      comparable: standings.length,
      commonGround: commonGround(standings, { limit: listSize, segmentsOf, k }).map(entry),
      divisive: divisive(standings, { limit: listSize }).map(entry),
      themes: byTheme(keys, found.groups, parts.themeCells, themes),
    },
    byThought: new Map(standings.map((t) => [t.thoughtId, opinionOf(t)])),
  };
}

/**
 * Consensus and division by theme, from the heatmap's released cells: a theme pools the ratings of
 * its thoughts, so a conversation where each thought has only a handful of raters per group (the
 * usual case below a few hundred people) can still be read across groups. Same measures and
 * lines as for thoughts (consensus.ts), over the theme's ratings; common ground must hold in
 * every released segment's cell of the theme too. Every comparable theme is listed, most shared
 * first, with whether it passes either line: there are few themes, and "the most shared theme
 * still has only 45% of group B's ratings at 4–5★" is worth reading even when none passes.
 */
function byTheme(
  keys: readonly string[],
  groups: readonly { readonly id: string }[],
  themeCells: SegmentParts["themeCells"],
  themes: readonly { readonly id: string; readonly title: string }[],
): NonNullable<OpinionGroupsReport["themes"]> {
  const groupCells = keys.map((key) => themeCells.get(key));
  const segmentCells = [...themeCells].filter(([key]) => !keys.includes(key)).map(([, cells]) => cells);
  const cellsOf = new Map<string, { raters: number; ratings: number; high: number }[]>();
  const standings = themes.flatMap(({ id }) => {
    const cells = groupCells.map((c) => c?.get(id));
    if (cells.some((c) => c === undefined)) return [];
    const tallies = cells.map((c) => ({ raters: c!.raters, ...tally(c!.histogram) }));
    cellsOf.set(
      id,
      tallies.map((t) => ({ raters: t.raters, ratings: t.ratings, high: t.high })),
    );
    // Smoothed over ratings, not raters: a theme's share is of the stars its raters gave.
    return [
      consensusOf(
        id,
        tallies.map((t, g) => ({ groupId: groups[g]!.id, raters: t.ratings, high: t.high })),
        true,
      ),
    ];
  });
  const segmentsOf = (id: string) =>
    segmentCells.flatMap((cells) => {
      const cell = cells.get(id);
      if (!cell) return [];
      const { ratings, high } = tally(cell.histogram);
      return [{ raters: ratings, high }];
    });
  const titleOf = new Map(themes.map((t) => [t.id, t.title]));
  const entry = (t: ThoughtConsensus) => ({
    themeId: t.thoughtId,
    title: titleOf.get(t.thoughtId) ?? "",
    consensus: t.consensus,
    division: t.division,
    groups: t.groups.map((g, i) => {
      const cell = cellsOf.get(t.thoughtId)![i]!;
      return {
        groupId: g.groupId,
        raters: cell.raters,
        ratings: cell.ratings,
        share: cell.ratings > 0 ? cell.high / cell.ratings : 0,
      };
    }),
  });
  return {
    comparable: standings.length,
    entries: standings
      .sort((a, b) => b.consensus - a.consensus || (a.thoughtId < b.thoughtId ? -1 : 1))
      .map((t) => ({
        ...entry(t),
        commonGround: isCommonGround(t, { segmentsOf }),
        divisive: isDivisive(t),
      })),
  };
}

function opinionOf(t: ThoughtConsensus): ThoughtOpinion {
  return {
    consensus: t.consensus,
    division: t.division,
    groups: t.groups.map((g) => ({
      groupId: g.groupId,
      raters: g.raters,
      share: g.raters > 0 ? g.high / g.raters : 0,
    })),
  };
}
