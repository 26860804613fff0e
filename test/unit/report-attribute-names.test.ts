import { describe, expect, it } from "vitest";
import { raterPopulation } from "../../functions/anonymity/report-audit.js";
import type { Histogram } from "../../functions/domain/statistics.js";
import { computeReport } from "../../functions/report/compute.js";
import { OPINION_ATTRIBUTE } from "../../functions/report/opinion.js";
import type { RatingRecord } from "../../functions/repositories/ratings.js";

/**
 * A stored snapshot that carries a directory attribute named like the report's own opinion-group
 * slices (`opinionGroup`): the directory import refuses that name now, but snapshots stored
 * before it did keep theirs. The report must never count such a value as an opinion group, nor
 * show it as one; it leaves the attribute out and says so.
 */
const thoughts = Array.from({ length: 8 }, (_, i) => `t${i}`);

function report(ratings: RatingRecord[]) {
  const histograms = new Map(thoughts.map((id) => [id, [0, 0, 0, 0, 0]]));
  for (const r of ratings) histograms.get(r.thoughtId)![r.stars - 1]!++;
  const raters = new Set(ratings.map((r) => r.raterKey)).size;
  return computeReport({
    conversation: { id: "c", title: "T", prompt: "?", state: "closed", anonymityThreshold: 5 },
    counts: {
      invited: raters,
      participants: raters,
      thoughts: thoughts.length,
      ratings: ratings.length,
      skips: 0,
    },
    thoughts: thoughts.map((id) => ({
      id,
      text: id,
      createdDay: "2026-05-04",
      histogram: histograms.get(id) as unknown as Histogram,
    })),
    ratings,
    themes: {
      engine: "test",
      themes: [{ id: "th", title: "All", summary: "", keyPhrases: [], thoughtIds: thoughts }],
    },
    version: 1,
    generatedAt: "2026-05-04T00:00:00Z",
  });
}

/** `people` raters; camp 1 (even) likes the first half of the thoughts, camp 2 the second. */
function ratingsOf(people: number, directoryGroup: (p: number) => string): RatingRecord[] {
  return Array.from({ length: people }, (_, p) =>
    thoughts.map((thoughtId, j) => {
      const likes = j < thoughts.length / 2 === (p % 2 === 0);
      return {
        thoughtId,
        raterKey: `r${p}`,
        attributes: {
          department: p < people / 2 ? "Sales" : "Support",
          [OPINION_ATTRIBUTE]: directoryGroup(p),
        },
        stars: likes ? 4 + (j % 2) : 1 + (j % 2),
        day: "2026-05-04",
      };
    }),
  ).flat();
}

const opinionSegments = (computed: ReturnType<typeof report>) =>
  (computed.head.segments ?? []).filter((s) => s.attribute === OPINION_ATTRIBUTE);

describe("a directory attribute named like the report's opinion groups", () => {
  it("is not shown as an opinion group when no groups are found", () => {
    // 12 raters: too few for two groups of k_text = 10, but a released slice of 12 on its own.
    const computed = report(ratingsOf(12, () => "A"));
    expect(computed.head.opinionGroups?.state).toBe("too-few-raters");
    expect(opinionSegments(computed)).toEqual([]);
    expect(computed.raters.every((r) => !(OPINION_ATTRIBUTE in r.attributes))).toBe(true);
    expect(computed.head.notes).toContainEqual(
      expect.stringContaining("“opinionGroup” is left out of the segments"),
    );
    // The directory's other attributes are sliced as before.
    expect((computed.head.segments ?? []).some((s) => s.key === "department:Sales" && s.released)).toBe(true);
  });

  it("never mixes with the groups the ratings form", () => {
    // Two camps of 13; the directory's "opinionGroup" cuts across them, with a value C no group has.
    const ratings = ratingsOf(26, (p) => (p < 9 ? "A" : p < 18 ? "B" : "C"));
    const computed = report(ratings);
    const groups = computed.head.opinionGroups!.groups;
    expect(groups.map((g) => g.raters)).toEqual([13, 13]);
    expect(opinionSegments(computed).map((s) => [s.value, s.raters])).toEqual([
      ["A", 13],
      ["B", 13],
    ]);
    expect(computed.head.notes).toContainEqual(expect.stringContaining("“opinionGroup” is left out"));
    // The anonymity audit rebuilds the same raters.
    const audited = new Map(
      raterPopulation(ratings, { anonymityThreshold: 5 }).map((r) => [r.key, r.attributes]),
    );
    for (const rater of computed.raters) expect(audited.get(rater.key)).toEqual(rater.attributes);
  });

  it("leaves a report without such an attribute unchanged", () => {
    const plain = ratingsOf(12, () => "A").map(({ attributes: { department }, ...r }) => ({
      ...r,
      attributes: { department: department! },
    }));
    const computed = report(plain);
    expect(computed.head.notes.some((n) => n.includes("left out of the segments"))).toBe(false);
    expect(computed.raters.every((r) => Object.keys(r.attributes).join() === "department")).toBe(true);
  });
});
