import { describe, expect, it } from "vitest";
import type { Histogram } from "../../functions/domain/statistics.js";
import { computeReport } from "../../functions/report/compute.js";
import type { RatingRecord } from "../../functions/repositories/ratings.js";

/**
 * Issue 12, defect 4: a group that rated a theme 4–5 stars must not read "3.7" because its
 * number was shrunk toward a prior. Each heatmap cell carries the group's own average and its
 * ratings, and "everyone" is what the groups' cells add up to.
 */
describe("segment figures", () => {
  it("give each group's own average and ratings, consistent with everyone", () => {
    const thoughts = Array.from({ length: 6 }, (_, i) => `t${i}`);
    const ratings: RatingRecord[] = [];
    // 12 engineers rate everything 4–5, 12 in sales 2–3: everyone is in between.
    for (let p = 0; p < 24; p++) {
      const department = p < 12 ? "Engineering" : "Sales";
      for (const [j, thoughtId] of thoughts.entries()) {
        const stars = department === "Engineering" ? 4 + ((p + j) % 2) : 2 + ((p + j) % 2);
        ratings.push({ thoughtId, raterKey: `r${p}`, attributes: { department }, stars, day: "2026-05-04" });
      }
    }
    const histograms = new Map(thoughts.map((id) => [id, [0, 0, 0, 0, 0]]));
    for (const r of ratings) histograms.get(r.thoughtId)![r.stars - 1]!++;
    const { head } = computeReport({
      conversation: { id: "c", title: "T", prompt: "?", state: "closed", anonymityThreshold: 5 },
      counts: { invited: 24, participants: 24, thoughts: 6, ratings: ratings.length, skips: 0 },
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
    const cell = (segment: string) => head.heatmap!.find((c) => c.segment === segment && c.themeId === "th")!;
    const rawMean = (department: string) => {
      const mine = ratings.filter((r) => r.attributes.department === department);
      return mine.reduce((s, r) => s + r.stars, 0) / mine.length;
    };
    const engineering = cell("department:Engineering");
    const sales = cell("department:Sales");
    expect(engineering.suppressed).toBe(false);
    expect(engineering.average).toBeCloseTo(rawMean("Engineering"), 10);
    expect(engineering.ratings).toBe(72);
    expect(sales.average).toBeCloseTo(rawMean("Sales"), 10);
    // The whole is the ratings-weighted sum of its parts.
    const theme = head.themes[0]!;
    expect(theme.stats.mean!).toBeCloseTo(
      (engineering.average! * engineering.ratings! + sales.average! * sales.ratings!) /
        (engineering.ratings! + sales.ratings!),
      10,
    );
  });
});
