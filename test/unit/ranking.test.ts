import { describe, expect, it } from "vitest";
import { publishedRanking } from "../../functions/domain/ranking.js";
import type { RatingInput } from "../../functions/domain/rater-bias.js";
import { conversationPrior, type Histogram, rankThoughts } from "../../functions/domain/statistics.js";

function ratingsOf(histograms: Record<string, Histogram>): RatingInput[] {
  const ratings: RatingInput[] = [];
  let rater = 0;
  for (const [thoughtId, h] of Object.entries(histograms)) {
    h.forEach((count, i) => {
      for (let j = 0; j < count; j++) ratings.push({ thoughtId, raterKey: `r${rater++ % 7}`, stars: i + 1 });
    });
  }
  return ratings;
}

describe("publishedRanking", () => {
  const histograms: Record<string, Histogram> = {
    a: [0, 0, 1, 4, 5],
    b: [1, 1, 2, 2, 1],
    c: [0, 0, 0, 0, 2],
    unrated: [0, 0, 0, 0, 0],
  };
  const thoughts = Object.entries(histograms).map(([id, histogram]) => ({ id, histogram }));

  it("without the rater adjustment is DESIGN §5's Bayesian average of the raw stars", () => {
    const plain = publishedRanking(thoughts, ratingsOf(histograms), { raterBias: false });
    const reference = rankThoughts(thoughts, conversationPrior(thoughts.map((t) => t.histogram)));
    expect(plain.ranked.map((t) => [t.id, t.stats.score])).toEqual(
      reference.map((t) => [t.id, t.stats.score]),
    );
    expect(plain.biasOf("r1")).toBe(0);
  });

  it("ranks every thought, an unrated one at the prior's mean, and keeps raw counts and histograms", () => {
    const { ranked, prior } = publishedRanking(thoughts, ratingsOf(histograms));
    expect(ranked.map((t) => t.id).sort()).toEqual(["a", "b", "c", "unrated"]);
    const unrated = ranked.find((t) => t.id === "unrated")!;
    expect(unrated.stats.count).toBe(0);
    expect(unrated.stats.score).toBeCloseTo(prior.mean, 10);
    const a = ranked.find((t) => t.id === "a")!;
    expect(a.stats.histogram).toEqual([0, 0, 1, 4, 5]);
  });
});
