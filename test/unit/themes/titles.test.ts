import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import model from "wink-eng-lite-web-model";
import winkNLP from "wink-nlp";
import { createRng, sampleIndices } from "../../../functions/lib/random.js";
import { demoThoughts } from "../../../functions/local/demo/thoughts.js";
import { computeThemes } from "../../../functions/themes/engine.js";
import type { Theme } from "../../../functions/themes/schema.js";

/**
 * Issue 12: offline titles a person would write. A title is one noun phrase, or two joined by
 * "and"; each is drawn from the theme (its words stand next to each other in a member thought)
 * and reads as a noun phrase (the tagger, reading it inside a sentence, ends it on a noun). On
 * the sample data no title is a bare pair of keywords ("Pay, Reno", "Hours and Reno").
 */
const nlp = winkNLP(model, ["sbd", "pos"]);
const its = nlp.its;
const root = resolve(import.meta.dirname, "../../..");

/** shared/ sits beside the repository (CI's clone) or beside the worktrees folder (/work/wt/NAME). */
const stackOverflow = [
  process.env.GROUNDSWELL_SHARED && resolve(process.env.GROUNDSWELL_SHARED, "benchmarks/stackoverflow.tsv"),
  resolve(root, "../shared/benchmarks/stackoverflow.tsv"),
  resolve(root, "../../shared/benchmarks/stackoverflow.tsv"),
].find((path): path is string => Boolean(path) && existsSync(path as string));

const conjuncts = (title: string) => title.split(" and ");
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The phrase's words, in order, next to each other (any punctuation or spacing between) in some member. */
function drawnFrom(phrase: string, texts: readonly string[]): boolean {
  const words = phrase.toLowerCase().split(/\s+/);
  // The head may be written in another number than the title's ("boxes" / "box").
  const head = escapeRegExp(words.at(-1)!).replace(/(?:e?s)$/, "");
  const pattern = new RegExp(
    `(?:^|[^\\p{L}])${[...words.slice(0, -1).map(escapeRegExp), `${head}\\p{L}{0,3}`].join("[^\\p{L}\\p{N}]+")}(?:$|[^\\p{L}])`,
    "u",
  );
  return texts.some((text) => pattern.test(text.toLowerCase()));
}

/** Read in "They wrote about <phrase> again.", the phrase is adjectives and nouns ending on a noun. */
function readsAsNounPhrase(phrase: string): boolean {
  const tokens = nlp.readDoc(`They wrote about ${phrase} again.`).tokens();
  const pos = (tokens.out(its.pos) as string[]).slice(3, -2);
  const allowed = new Set(["ADJ", "NOUN", "PROPN", "NUM", "VERB", "X"]);
  return pos.length > 0 && pos.every((p) => allowed.has(p)) && ["NOUN", "PROPN", "X"].includes(pos.at(-1)!);
}

function checkTitles(themes: readonly Theme[], textOf: Map<string, string>) {
  const problems: string[] = [];
  for (const theme of themes) {
    const texts = theme.thoughtIds.map((id) => textOf.get(id)!);
    const parts = conjuncts(theme.title);
    if (parts.length > 2) problems.push(`${theme.title}: more than two phrases`);
    if (theme.title.includes(",")) problems.push(`${theme.title}: a comma list`);
    for (const part of parts) {
      const words = part.replace(/^Thoughts on /, "").trim();
      if (!drawnFrom(words, texts)) problems.push(`${theme.title}: "${words}" is not in its thoughts`);
      if (!readsAsNounPhrase(words)) problems.push(`${theme.title}: "${words}" is not a noun phrase`);
    }
  }
  return problems;
}

describe("offline theme titles", () => {
  it("on the sample data: noun phrases from each theme, never a bare pair of keywords", () => {
    const items = demoThoughts.map((t, i) => ({ id: `t${i}`, text: t.text, score: t.appeal }));
    const report = computeThemes(items);
    expect(report.themes.length).toBeGreaterThanOrEqual(4);
    const textOf = new Map(items.map((t) => [t.id, t.text]));
    expect(checkTitles(report.themes, textOf)).toEqual([]);
    for (const theme of report.themes) {
      const parts = conjuncts(theme.title);
      const bare = parts.length === 2 && parts.every((p) => !p.trim().includes(" "));
      expect(bare, `"${theme.title}" is two bare keywords`).toBe(false);
      // Labels are phrases people wrote too.
      expect(theme.keyPhrases.length).toBeGreaterThan(0);
      for (const label of theme.keyPhrases.slice(0, 3)) {
        expect(
          drawnFrom(
            label,
            theme.thoughtIds.map((id) => textOf.get(id)!),
          ),
          label,
        ).toBe(true);
      }
    }
  });

  it.runIf(stackOverflow || process.env.CI)(
    "on the StackOverflow benchmark: noun phrases from each theme",
    () => {
      if (!stackOverflow) throw new Error("shared/benchmarks/stackoverflow.tsv is missing");
      const rows = readFileSync(stackOverflow, "utf8")
        .split("\n")
        .filter((line) => line.includes("\t"))
        .map((line, i) => ({ id: String(i + 1), text: line.split("\t").slice(1).join(" ") }));
      const sample = sampleIndices(rows.length, 3000, createRng(12)).map((i) => rows[i]!);
      const report = computeThemes(sample, { k: 20 });
      const textOf = new Map(sample.map((t) => [t.id, t.text]));
      expect(checkTitles(report.themes, textOf)).toEqual([]);
    },
    60_000,
  );
});
