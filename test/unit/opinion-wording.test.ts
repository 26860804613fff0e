import { describe, expect, it } from "vitest";
import { themesSummary } from "../../functions/domain/opinion-wording.js";

const theme = (
  title: string,
  shares: readonly number[],
  marks: { commonGround?: boolean; divisive?: boolean } = {},
) => ({
  title,
  commonGround: marks.commonGround ?? false,
  divisive: marks.divisive ?? false,
  groups: shares.map((share, i) => ({ groupId: String.fromCharCode(65 + i), share })),
});

describe("themesSummary", () => {
  it("is empty when no theme is comparable", () => {
    expect(themesSummary([])).toBe("");
  });

  it("names the common ground and the widest gap", () => {
    expect(
      themesSummary([
        theme("Store hours", [0.7, 0.62], { commonGround: true }),
        theme("Customer data", [0.62, 0.11], { divisive: true }),
      ]),
    ).toBe(
      "Common ground: “Store hours”. The groups differ most on “Customer data” (group A 62%, group B 11%).",
    );
  });

  it("says which group falls short of half on the most shared theme", () => {
    expect(themesSummary([theme("Pay", [0.54, 0.46]), theme("Tools", [0.4, 0.3])])).toBe(
      "No theme is common ground: even the most shared, “Pay”, has 46% of group B's ratings at 4–5★. No theme divides the groups clearly; where they differ, it is thought by thought.",
    );
  });

  it("does not call a majority short when a department is what keeps the theme from common ground", () => {
    const summary = themesSummary([theme("Pay", [0.54, 0.51])]);
    expect(summary).toContain("most of every group's ratings of the most shared, “Pay”, are 4–5★");
    expect(summary).toContain("not in every group under “Themes by group”");
    expect(summary).not.toContain("51%");
  });
});
