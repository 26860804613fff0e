import { describe, expect, it } from "vitest";
import {
  buildThreads,
  type LinkableTheme,
  linkStages,
  themeSimilarities,
  tokens,
} from "../../functions/report/theme-links.js";

const theme = (id: string, title: string, summary: string, keyPhrases: string[] = []): LinkableTheme => ({
  id,
  title,
  summary,
  keyPhrases,
});

const strategy = [
  theme("s-price", "Pricing is too complex", "Customers struggle to understand our pricing tiers.", [
    "pricing tiers",
  ]),
  theme("s-hire", "Hiring takes too long", "Open roles stay empty for months and teams are stretched.", [
    "hiring",
    "open roles",
  ]),
  theme("s-tools", "Internal tools are slow", "Build pipelines and laptops slow engineers down.", [
    "build pipelines",
  ]),
];
const launch = [
  theme("l-hire", "Hiring pipeline", "Hiring for open roles is still slow, teams stretched thin.", [
    "hiring",
  ]),
  theme("l-price", "Simplify pricing", "Simpler pricing tiers would help customers decide.", ["pricing"]),
  theme("l-travel", "Travel budget", "Cuts to travel make customer visits rare.", ["travel budget"]),
];

describe("theme links", () => {
  it("tokenizes to stems without stopwords", () => {
    expect(tokens("The Pricing tiers are confusing!")).toEqual(["price", "tier", "confus"]);
  });

  it("scores a theme closest to the theme on the same subject", () => {
    const similarity = themeSimilarities(strategy, launch);
    expect(similarity[0]![1]).toBeGreaterThan(similarity[0]![0]!);
    expect(similarity[1]![0]).toBeGreaterThan(similarity[1]![1]!);
    for (const row of similarity) for (const value of row) expect(value).toBeGreaterThanOrEqual(0);
  });

  it("links each theme to the most similar theme of the next stage, above the threshold", () => {
    const links = linkStages(strategy, launch);
    expect(links.map((l) => [l.fromId, l.toId]).sort()).toEqual([
      ["s-hire", "l-hire"],
      ["s-price", "l-price"],
    ]);
    expect(links.every((l) => !l.overridden && l.similarity >= 0.2)).toBe(true);
  });

  it("is deterministic whatever the input order", () => {
    const a = linkStages(strategy, launch);
    const b = linkStages([...strategy].reverse(), [...launch].reverse());
    const pairs = (links: typeof a) => links.map((l) => `${l.fromId}>${l.toId}`).sort();
    expect(pairs(b)).toEqual(pairs(a));
  });

  it("links a target at most once, most similar pair first", () => {
    const twins = [
      theme("a", "Pricing tiers", "pricing tiers"),
      theme("b", "Pricing tiers again", "pricing"),
    ];
    const links = linkStages(twins, [theme("x", "Pricing tiers", "pricing tiers")]);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ fromId: "a", toId: "x" });
  });

  it("lets overrides win: a forced link, an unlink, and stale ids ignored", () => {
    const overrides = new Map<string, string | null>([
      ["s-tools", "l-price"],
      ["s-hire", null],
      ["gone", "l-hire"],
    ]);
    const links = linkStages(strategy, launch, overrides);
    expect(links.find((l) => l.fromId === "s-tools")).toMatchObject({ toId: "l-price", overridden: true });
    expect(links.find((l) => l.fromId === "s-hire")).toBeUndefined();
    // s-price lost its match to the override and nothing else is similar enough.
    expect(links.find((l) => l.fromId === "s-price")).toBeUndefined();
  });

  it("builds threads where every theme appears once", () => {
    const midyear = [
      theme("m-hire", "Still hiring slowly", "Open roles and hiring delays persist.", ["hiring"]),
    ];
    const stages = [strategy, launch, midyear];
    const links = [linkStages(strategy, launch), linkStages(launch, midyear)];
    const threads = buildThreads(stages, links);
    const ids = threads.map((thread) => thread.map((t) => t?.id ?? null));
    expect(ids).toContainEqual(["s-hire", "l-hire", "m-hire"]);
    expect(ids).toContainEqual(["s-price", "l-price", null]);
    expect(ids).toContainEqual(["s-tools", null, null]);
    expect(ids).toContainEqual([null, "l-travel", null]);
    expect(threads.flat().filter(Boolean)).toHaveLength(7);
  });
});
