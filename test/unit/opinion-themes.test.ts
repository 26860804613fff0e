import { describe, expect, it } from "vitest";
import type { Histogram } from "../../functions/domain/statistics.js";
import { opinionGroupKey, opinionSection } from "../../functions/report/opinion.js";

/**
 * Issue 13 on small conversations: when no single thought has k raters in every opinion group,
 * the groups are still compared by theme, from the heatmap's released cells only.
 */
const groups = {
  groups: [
    { id: "A", size: 30 },
    { id: "B", size: 12 },
  ],
  groupOf: new Map<string, string>(),
  separation: 0.4,
};
const segment = (attribute: string, value: string, released = true) => ({
  attribute,
  value,
  key: `${attribute}:${value}`,
  released,
  raters: released ? 10 : null,
  text: released,
});
const cell = (raters: number, histogram: Histogram) => ({ raters, histogram });
const themes = [
  { id: "tools", title: "Expense tools" },
  { id: "office", title: "Office days" },
  { id: "pay", title: "Pay bands" },
];
const thoughts = [{ id: "t1", text: "A thought" }];

function section(themeCells: Map<string, Map<string, ReturnType<typeof cell>>>) {
  return opinionSection(
    groups,
    {
      segments: [segment("opinionGroup", "A"), segment("opinionGroup", "B"), segment("department", "Sales")],
      thoughtCells: new Map(),
      themeCells,
    },
    thoughts,
    themes,
    5,
  ).section;
}

describe("opinion groups compared by theme", () => {
  const a = opinionGroupKey("A");
  const b = opinionGroupKey("B");
  const everyone = new Map([
    [
      a,
      new Map([
        ["tools", cell(28, [1, 2, 5, 20, 22])],
        ["office", cell(25, [2, 3, 5, 20, 20])],
        ["pay", cell(20, [5, 10, 10, 10, 5])],
      ]),
    ],
    [
      b,
      new Map([
        ["tools", cell(11, [0, 1, 2, 8, 9])],
        ["office", cell(10, [10, 8, 2, 0, 0])],
        ["pay", cell(9, [3, 4, 5, 4, 4])],
      ]),
    ],
  ]);

  it("lists every comparable theme, most shared first, with common ground and division marked", () => {
    const themesPart = section(everyone).themes!;
    expect(themesPart.comparable).toBe(3);
    expect(themesPart.entries.map((t) => t.themeId)).toEqual(["tools", "pay", "office"]);
    const [tools, pay, office] = themesPart.entries;
    expect(tools).toMatchObject({ title: "Expense tools", commonGround: true, divisive: false });
    expect(tools!.groups).toEqual([
      { groupId: "A", raters: 28, ratings: 50, share: 42 / 50 },
      { groupId: "B", raters: 11, ratings: 20, share: 17 / 20 },
    ]);
    expect(pay).toMatchObject({ commonGround: false, divisive: false });
    expect(office).toMatchObject({ commonGround: false, divisive: true });
    expect(office!.division).toBeGreaterThan(0.3);
  });

  it("leaves out a theme whose cell is withheld for any group", () => {
    const withheld = new Map([...everyone].map(([key, cells]) => [key, new Map(cells)]));
    withheld.get(b)!.delete("office");
    const themesPart = section(withheld).themes!;
    expect(themesPart.comparable).toBe(2);
    expect(themesPart.entries.map((t) => t.themeId)).not.toContain("office");
  });

  it("does not call a theme common ground that a released segment rates low", () => {
    const withSales = new Map(everyone);
    withSales.set("department:Sales", new Map([["tools", cell(8, [6, 6, 4, 2, 2])]]));
    const tools = section(withSales).themes!.entries.find((t) => t.themeId === "tools")!;
    expect(tools.commonGround).toBe(false);
  });
});
