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
import { commonGround, consensusOf, divisive, isHigh, type ThoughtConsensus } from "../domain/consensus.js";
import type { OpinionGroups } from "../domain/opinion-groups.js";
import type { Histogram } from "../domain/statistics.js";
import type { OpinionGroupsReport, ThoughtOpinion } from "./schema.js";
import type { SegmentParts } from "./segment-views.js";

export const OPINION_ATTRIBUTE = "opinionGroup";
export const opinionGroupKey = (id: string) => `${OPINION_ATTRIBUTE}:${id}`;
const listSize = 10;

export interface OpinionSection {
  readonly section: OpinionGroupsReport;
  /** Per thought id, its standing across groups (only thoughts whose every group cell is released). */
  readonly byThought: ReadonlyMap<string, ThoughtOpinion>;
}

const tally = (histogram: Histogram) => ({
  raters: histogram.reduce((s, x) => s + x, 0),
  high: histogram.reduce((s, x, i) => s + (isHigh(i + 1) ? x : 0), 0),
});

export function opinionSection(
  found: OpinionGroups | { readonly groups: readonly []; readonly reason: "too-few-raters" | "no-pattern" },
  parts: Pick<SegmentParts, "segments" | "thoughtCells">,
  thoughts: readonly { readonly id: string; readonly text: string }[],
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
        cells.map((histogram, g) => ({ groupId: found.groups[g]!.id, ...tally(histogram!) })),
        true,
      ),
    ];
  });
  const segmentsOf = (id: string) =>
    segmentCells.flatMap((cells) => {
      const histogram = cells.get(id);
      return histogram ? [tally(histogram)] : [];
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
    },
    byThought: new Map(standings.map((t) => [t.thoughtId, opinionOf(t)])),
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
