import { describe, expect, it } from "vitest";
import type { ThemeInput } from "../../functions/report/cards.js";
import {
  addOperation,
  applyShaping,
  noShaping,
  ShapeError,
  shapeThemes,
  shapingNote,
} from "../../functions/report/shaping.js";
import { carryThemeIds } from "../../functions/workers/theme-run.js";

/** Theme `name` with thoughts `${name}1` … `${name}n`. */
const theme = (id: string, name: string, n: number): ThemeInput => ({
  id,
  title: `About ${name}`,
  summary: `${name} things`,
  keyPhrases: [name],
  thoughtIds: Array.from({ length: n }, (_, i) => `${name}${i + 1}`),
});

const assignment = (themes: readonly ThemeInput[]) =>
  new Map(themes.flatMap((t) => t.thoughtIds.map((id) => [id, t.id] as const)));

/** A report as the route sees it: its themes and each thought's theme. */
const reportOf = (themes: readonly ThemeInput[]) => ({ themes, themeOf: assignment(themes) });

const members = (themes: readonly ThemeInput[]) =>
  Object.fromEntries(themes.map((t) => [t.id, [...t.thoughtIds].sort()]));

// The engine's clusters, as every run finds them: pay is big, perks small, travel alone.
const engine = [theme("e1", "pay", 12), theme("e2", "perks", 3), theme("e3", "travel", 5)];
// The first version: ids given once, as carryThemeIds would on a first run.
const first = engine.map((t, i) => ({ ...t, id: ["theme-pay", "theme-perks", "theme-travel"][i]! }));

describe("theme shaping", () => {
  it("merges a theme into another: its thoughts move, and moves made into it follow", () => {
    const moved = addOperation(
      noShaping,
      { op: "move", thoughtIds: ["travel1"], into: "theme-perks" },
      reportOf(first),
    );
    const shaped = applyShaping(first, moved);
    const merged = addOperation(
      moved,
      { op: "merge", from: "theme-perks", into: "theme-pay" },
      reportOf(shaped),
    );
    const result = applyShaping(first, merged);
    expect(result.map((t) => t.id)).toEqual(["theme-pay", "theme-travel"]);
    expect(members(result)["theme-pay"]).toEqual(
      [...first[0]!.thoughtIds, "perks1", "perks2", "perks3", "travel1"].sort(),
    );
    expect(result.find((t) => t.id === "theme-pay")!.title).toBe("About pay");
  });

  it("refuses what cannot apply to the report, saying which field", () => {
    const report = reportOf(first);
    const attempt = (op: Parameters<typeof addOperation>[1]) => {
      try {
        addOperation(noShaping, op, report);
        return "applied";
      } catch (error) {
        return error instanceof ShapeError ? error.path : "other";
      }
    };
    expect(attempt({ op: "merge", from: "theme-pay", into: "theme-pay" })).toBe("into");
    expect(attempt({ op: "merge", from: "theme-nope", into: "theme-pay" })).toBe("from");
    expect(attempt({ op: "move", thoughtIds: ["pay1"], into: "theme-nope" })).toBe("into");
    expect(attempt({ op: "move", thoughtIds: ["not-a-thought"], into: "theme-pay" })).toBe("thoughtIds");
    expect(attempt({ op: "split", thoughtIds: ["pay1"], title: "Bonus", id: "made-1" })).toBe("applied");
  });

  it("splits thoughts off into a new theme with the facilitator's title", () => {
    const split = addOperation(
      noShaping,
      { op: "split", thoughtIds: ["pay1", "pay2", "pay3"], title: "Bonus timing", id: "made-1" },
      reportOf(first),
    );
    const result = applyShaping(first, split);
    expect(result.map((t) => t.id)).toEqual(["theme-pay", "theme-perks", "theme-travel", "made-1"]);
    expect(result[3]).toMatchObject({
      title: "Bonus timing",
      summary: "Split off “About pay” by a facilitator.",
    });
    expect(members(result)["made-1"]).toEqual(["pay1", "pay2", "pay3"]);
    expect(result[0]!.thoughtIds).toHaveLength(9);
    expect(shapingNote(split)).toBe(
      "A facilitator shaped these themes by hand: 3 thoughts moved, 1 theme made by splitting.",
    );
    // Moving every thought out of a made theme takes the theme away.
    const back = addOperation(
      split,
      { op: "move", thoughtIds: ["pay1", "pay2", "pay3"], into: "theme-pay" },
      reportOf(result),
    );
    expect(back.made).toEqual({});
    expect(applyShaping(first, back).map((t) => t.id)).toEqual(["theme-pay", "theme-perks", "theme-travel"]);
  });

  it("keeps a merge across a re-run of the engine that finds the old clusters again", () => {
    // Perks (3) merged into pay (12); a re-run finds the same three clusters under fresh ids.
    const merged = addOperation(
      noShaping,
      { op: "merge", from: "theme-perks", into: "theme-pay" },
      reportOf(first),
    );
    const v1 = applyShaping(first, merged);
    const rerun = shapeThemes(engine, assignment(v1), merged, carryThemeIds);
    expect(members(rerun)).toEqual(members(v1));
  });

  it("keeps a merge of a big theme into a small one across a re-run", () => {
    // Pay (12) into perks (3): perks' id must stay on perks, and pay's id must not come back.
    const merged = addOperation(
      noShaping,
      { op: "merge", from: "theme-pay", into: "theme-perks" },
      reportOf(first),
    );
    const v1 = applyShaping(first, merged);
    expect(v1.map((t) => t.id)).toEqual(["theme-perks", "theme-travel"]);
    const rerun = shapeThemes(engine, assignment(v1), merged, carryThemeIds);
    expect(members(rerun)).toEqual(members(v1));
    // Carrying ids against the shaped version as it is (the naive way) loses the merge: the pay
    // cluster takes perks' id (it is most of it), and perks comes back as a theme of its own.
    const naive = applyShaping(carryThemeIds(engine, assignment(v1)), merged);
    expect(members(naive)).not.toEqual(members(v1));
  });

  it("keeps a split and single moves across a re-run; a move into a theme that is gone is dropped", () => {
    let shaping = addOperation(
      noShaping,
      { op: "split", thoughtIds: ["pay1", "pay2"], title: "Bonus timing", id: "made-1" },
      reportOf(first),
    );
    shaping = addOperation(
      shaping,
      { op: "move", thoughtIds: ["travel5"], into: "theme-perks" },
      reportOf(first),
    );
    const v1 = applyShaping(first, shaping);
    const rerun = shapeThemes(engine, assignment(v1), shaping, carryThemeIds);
    expect(members(rerun)).toEqual(members(v1));
    // A run that no longer finds perks at all: travel5 stays where the engine puts it.
    const withoutPerks = [
      theme("e1", "pay", 12),
      {
        ...theme("e3", "travel", 5),
        thoughtIds: [...theme("e3", "travel", 5).thoughtIds, "perks1", "perks2", "perks3"],
      },
    ];
    const gone = shapeThemes(withoutPerks, assignment(v1), shaping, carryThemeIds);
    expect(gone.find((t) => t.thoughtIds.includes("travel5"))!.thoughtIds).toContain("travel1");
    expect(gone.flatMap((t) => t.thoughtIds).sort()).toEqual([...engine.flatMap((t) => t.thoughtIds)].sort());
  });
});
