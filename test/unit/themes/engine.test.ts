import { describe, expect, it } from "vitest";
import { createRng } from "../../../functions/lib/random.js";
import { computeThemes } from "../../../functions/themes/engine.js";
import { normalizedMutualInformation } from "../../../functions/themes/metrics.js";
import { type ThemeReport, themeReportSchema } from "../../../functions/themes/schema.js";
import { syntheticThoughts } from "../../../functions/themes/synthetic-corpus.js";

/** Five topics with disjoint vocabularies, plus filler shared by all: the themes are unambiguous. */
const TOPICS: Record<string, string[]> = {
  remote: ["remote", "office", "commute", "hybrid", "home", "desk", "travel", "schedule"],
  pricing: ["pricing", "discount", "invoice", "billing", "contract", "renewal", "margin", "quote"],
  hiring: ["hiring", "recruiter", "interview", "candidate", "salary", "onboarding", "referral", "offer"],
  platform: ["outage", "deployment", "database", "latency", "monitoring", "incident", "server", "migration"],
  training: [
    "training",
    "mentoring",
    "course",
    "workshop",
    "learning",
    "certification",
    "coaching",
    "budget",
  ],
};
const FILLER = [
  "really",
  "important",
  "team",
  "next",
  "year",
  "improve",
  "better",
  "focus",
  "people",
  "time",
];

function separatedCorpus(perTopic: number, seed: number) {
  const rng = createRng(seed);
  const pick = (list: string[], n: number) => Array.from({ length: n }, () => list[rng.int(list.length)]!);
  return Object.entries(TOPICS).flatMap(([topic, words]) =>
    Array.from({ length: perTopic }, (_, i) => ({
      id: `${topic}-${i}`,
      text: `${pick(FILLER, 2).join(" ")} ${pick(words, 4).join(" ")}`,
      topic,
    })),
  );
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = createRng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function themeOf(report: ThemeReport): Map<string, string> {
  const map = new Map<string, string>();
  for (const theme of report.themes) for (const id of theme.thoughtIds) map.set(id, theme.id);
  return map;
}

const thoughts = syntheticThoughts(240, 6, 3).map(({ id, text }) => ({ id, text }));

describe("computeThemes", () => {
  it("returns a report that fits the schema and places every thought exactly once", () => {
    const report = computeThemes(thoughts);
    expect(themeReportSchema.parse(report)).toEqual(report);
    const placed = [...report.themes.flatMap((t) => t.thoughtIds), ...(report.unassigned ?? [])];
    expect(placed.sort()).toEqual(thoughts.map((t) => t.id).sort());
    expect(report.k).toBe(report.themes.length);
    for (const theme of report.themes) {
      expect(theme.size).toBe(theme.thoughtIds.length);
      expect(theme.representativeIds.every((id) => theme.thoughtIds.includes(id))).toBe(true);
      const words = theme.title.split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(2);
      expect(words).toBeLessThanOrEqual(5);
      expect(theme.keyPhrases.length).toBeGreaterThan(0);
    }
  });

  it("is deterministic", () => {
    expect(computeThemes(thoughts)).toEqual(computeThemes(thoughts));
  });

  it("does not depend on input order", () => {
    expect(computeThemes(shuffled(thoughts, 9))).toEqual(computeThemes(thoughts));
  });

  it("keeps a theme's id when a few thoughts come and go", () => {
    const before = computeThemes(thoughts, { k: 6 });
    const changed = [
      ...thoughts.filter((_, i) => i % 40 !== 0),
      { id: "new-1", text: "We should invest in automated testing and monitoring." },
      { id: "new-2", text: "Pricing and discounts need a rethink." },
    ];
    const after = computeThemes(changed, { k: 6 });
    const jaccard = (a: string[], b: string[]) => {
      const shared = a.filter((id) => b.includes(id)).length;
      return shared / (a.length + b.length - shared);
    };
    // Themes that are still essentially the same group of thoughts must keep their id.
    const survivors = before.themes.flatMap((theme) => {
      const match = after.themes.find((other) => jaccard(theme.thoughtIds, other.thoughtIds) >= 0.8);
      return match ? [[theme.id, match.id]] : [];
    });
    expect(survivors.length).toBeGreaterThanOrEqual(3);
    for (const [id, matchedId] of survivors) expect(matchedId).toBe(id);
  });

  it("finds clearly separated topics on its own", () => {
    for (const seed of [1, 2]) {
      const corpus = separatedCorpus(40, seed);
      const report = computeThemes(corpus);
      expect(report.k).toBe(5);
      const labels = themeOf(report);
      const nmi = normalizedMutualInformation(
        corpus.map((item) => item.topic),
        corpus.map((item) => labels.get(item.id) ?? "none"),
      );
      expect(nmi).toBeGreaterThan(0.95);
    }
  });

  it("honours an explicit k", () => {
    expect(computeThemes(thoughts, { k: 3 }).themes).toHaveLength(3);
  });

  it("reports progress from 0 to 1 without going backwards", () => {
    const seen: number[] = [];
    computeThemes(thoughts, { onProgress: (fraction) => seen.push(fraction) });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((value, i) => i === 0 || value >= seen[i - 1]!)).toBe(true);
  });

  it("puts top-rated central thoughts first among representatives", () => {
    const corpus = separatedCorpus(20, 4).map(({ id, text }) => ({ id, text }));
    const unrated = computeThemes(corpus, { k: 5 });
    const theme = unrated.themes[0]!;
    const favourite = theme.representativeIds[1]!;
    const rated = corpus.map((item) => ({ ...item, score: item.id === favourite ? 4.8 : 3 }));
    const ratedTheme = computeThemes(rated, { k: 5 }).themes.find((t) => t.id === theme.id)!;
    expect(ratedTheme.representativeIds[0]).toBe(favourite);
  });

  it("rejects duplicate ids and a k that is not a positive integer", () => {
    expect(() =>
      computeThemes([
        { id: "a", text: "x" },
        { id: "a", text: "y" },
      ]),
    ).toThrow(/duplicate/);
    expect(() => computeThemes(thoughts, { k: 0 })).toThrow(RangeError);
    expect(() => computeThemes(thoughts, { k: 2.5 })).toThrow(RangeError);
  });
});

describe("computeThemes edge cases", () => {
  it("handles empty input", () => {
    expect(computeThemes([])).toEqual({ engine: "offline", k: 0, themes: [] });
  });

  it("handles a single thought", () => {
    const report = computeThemes([{ id: "only", text: "Remote work keeps the team happy." }]);
    expect(report.themes).toHaveLength(1);
    expect(report.themes[0]!.thoughtIds).toEqual(["only"]);
    expect(report.themes[0]!.representativeIds).toEqual(["only"]);
  });

  it("puts identical thoughts in one theme", () => {
    const same = Array.from({ length: 30 }, (_, i) => ({ id: `s${i}`, text: "Fix the build pipeline." }));
    const report = computeThemes(same);
    expect(report.themes).toHaveLength(1);
    expect(report.themes[0]!.size).toBe(30);
    expect(computeThemes(same, { k: 4 }).notes?.join(" ")).toMatch(/4 themes/);
  });

  it("leaves thoughts without usable words unassigned", () => {
    const items = [
      { id: "1", text: "ok" },
      { id: "2", text: "👍" },
      { id: "3", text: "" },
      { id: "4", text: "+1 !!" },
      { id: "5", text: "Better onboarding docs" },
      { id: "6", text: "onboarding docs are outdated" },
    ];
    const report = computeThemes(items);
    expect(report.unassigned?.sort()).toEqual(["1", "2", "3", "4"]);
    expect(report.themes.flatMap((t) => t.thoughtIds).sort()).toEqual(["5", "6"]);
    expect(report.notes).toContain("4 thoughts have no words in common with the others and are in no theme.");
    const one = computeThemes([items[0]!, items[4]!, items[5]!]);
    expect(one.notes).toContain("1 thought has no words in common with the others and is in no theme.");
  });

  it("handles text in other scripts", () => {
    const items = [
      "远程办公提高了效率",
      "远程办公需要更好的工具",
      "Мы должны улучшить обучение сотрудников",
      "обучение сотрудников важно",
      "Die Preisgestaltung ist zu kompliziert für Kunden",
      "Preisgestaltung für Kunden vereinfachen",
      "تحسين التواصل بين الفرق",
      "التواصل بين الفرق ضعيف",
    ].map((text, i) => ({ id: `i${i}`, text }));
    const report = computeThemes(items);
    expect(themeReportSchema.safeParse(report).success).toBe(true);
    expect(report.themes.flatMap((t) => t.thoughtIds).length + (report.unassigned?.length ?? 0)).toBe(8);
    const together = (a: string, b: string) => themeOf(report).get(a) === themeOf(report).get(b);
    expect(together("i0", "i1")).toBe(true);
    expect(together("i4", "i5")).toBe(true);
  });
});
