import { describe, expect, it } from "vitest";
import {
  executiveSummary,
  participationVerdict,
  ratedFigures,
} from "../../functions/domain/executive-summary.js";
import { toMarkdown, toSlides } from "../../functions/report/export.js";
import type { Report } from "../../functions/report/schema.js";

const stats = (histogram: number[], score: number) => {
  const count = histogram.reduce((a, b) => a + b, 0);
  const mean = count ? histogram.reduce((s, n, i) => s + n * (i + 1), 0) / count : null;
  return {
    count,
    mean,
    score,
    ci: { low: score - 0.3, high: score + 0.3 },
    histogram,
    agreement: 0.7,
    polarization: 0.1,
  };
};

const themes = ["Store pay", "Shipping boxes", "App login", "Private label", "AI support", "Bike techs"].map(
  (title, i) => ({
    id: `theme-${i}`,
    title,
    summary: `About ${title}.`,
    keyPhrases: [title.toLowerCase()],
    size: 3,
    topThoughtIds: [`t${i}`],
    // Ranked by score: theme-5 has the best ranking score but not the best raw average.
    stats: { ...stats([0, 0, 1, 2, 1 + i], 3 + i / 10), meanScore: 3 + (i === 5 ? 0.9 : i / 10) },
    edited: false,
  }),
);

const report: Report = {
  conversation: { id: "c1", title: "FY2027 <strategy>", prompt: "What matters most?", state: "closed" },
  version: 2,
  generatedAt: "2026-12-01T10:00:00.000Z",
  approved: false,
  engine: "offline",
  notes: [],
  anonymityThreshold: 5,
  participation: { invited: 40, participants: 31, thoughts: 18, ratings: 300, skips: 4, rate: 31 / 40 },
  coverage: { min: 4, median: 6, max: 9, mean: 6 },
  timeline: [],
  themes,
  consensusIds: ["t1"],
  polarizingIds: ["t2"],
  thoughts: themes.map((t, i) => ({
    id: `t${i}`,
    text: i === 0 ? `Pay <script>alert(1)</script> & "more"` : `Thought ${i}`,
    themeId: t.id,
    stats: stats([1, 1, 2, 3, 3], 3.5),
  })),
  segments: [
    { attribute: "department", value: "Sales", key: "department:Sales", released: true, raters: 12 },
    { attribute: "department", value: "Legal", key: "department:Legal", released: false, raters: null },
  ],
  responses: [
    { themeId: "theme-5", heard: "Techs are booked out.", willDo: "Hire two bike techs.", owner: "Ops lead" },
  ],
};

describe("executive summary", () => {
  it("gives a group's own average with n, interval and share of 4–5 stars", () => {
    const f = ratedFigures([0, 0, 1, 2, 5]);
    expect(f.ratings).toBe(8);
    expect(f.average).toBeCloseTo(4.5, 10);
    expect(f.favourable).toBeCloseTo(7 / 8, 10);
    expect(f.interval!.low).toBeLessThan(4.5);
    expect(f.interval!.high).toBeLessThanOrEqual(5);
    expect(ratedFigures([0, 0, 0, 0, 0])).toEqual({
      ratings: 0,
      average: null,
      interval: null,
      favourable: 0,
    });
  });

  it("reads participation against the 75–80% band", () => {
    expect(participationVerdict(0.6)).toBe("below");
    expect(participationVerdict(0.775)).toBe("healthy");
    expect(participationVerdict(0.9)).toBe("above");
  });

  it("lists the five best-ranked themes with a quote, agreement, division and commitments", () => {
    const summary = executiveSummary(report);
    expect(summary.themes.map((t) => t.id)).toEqual(["theme-5", "theme-4", "theme-3", "theme-2", "theme-1"]);
    expect(summary.moreThemes).toBe(1);
    expect(summary.themes[0]!.response?.willDo).toBe("Hire two bike techs.");
    expect(summary.themes[4]!.quote).toBe("Thought 1");
    expect(summary.participation).toMatchObject({ rate: 31 / 40, verdict: "healthy", hiddenGroups: 1 });
    // Hidden groups are counted, never listed with a number.
    expect(summary.participation.byGroup).toEqual([{ attribute: "department", value: "Sales", raters: 12 }]);
    expect(summary.consensus.map((t) => t.id)).toEqual(["t1"]);
    expect(summary.divisive.map((t) => t.id)).toEqual(["t2"]);
    expect(summary.commitments.map((c) => c.themeTitle)).toEqual(["Bike techs"]);
    expect(summary.unanswered).toHaveLength(5);
  });
});

describe("board exports", () => {
  it("Markdown opens with the executive summary and carries responses", () => {
    const md = toMarkdown(report);
    expect(md.indexOf("## Executive summary")).toBeGreaterThan(0);
    expect(md.indexOf("## Executive summary")).toBeLessThan(md.indexOf("## Themes"));
    expect(md).toContain("31 of 40 invited took part (78%), within the 75%–80%");
    expect(md).toContain("**What we will do:** Hire two bike techs.");
    expect(md).toContain("ranking score");
  });

  it("slides: one self-contained page per theme, every text escaped", () => {
    const deck = toSlides(report);
    expect(deck.match(/<section class="slide/g)).toHaveLength(2 + themes.length + 2);
    expect(deck).not.toContain("<script>");
    expect(deck).toContain("Pay &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;");
    expect(deck).toContain("FY2027 &lt;strategy&gt;");
    expect(deck).not.toMatch(/<(script|link|img|iframe)\b/);
    expect(deck).toContain("@page { size: 13.333in 7.5in");
  });
});
