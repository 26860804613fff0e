import { describe, expect, it } from "vitest";
import { nounPhrases } from "../../../functions/themes/noun-phrases.js";

const surfaces = (text: string) => nounPhrases(text).map((p) => p.surface);

describe("nounPhrases", () => {
  it("finds the phrases people write", () => {
    expect(surfaces("Right-size our shipping boxes.")).toContain("shipping boxes");
    expect(surfaces("Let us pay with Apple Pay in the app.")).toContain("Apple Pay");
    expect(surfaces("Store pay hasn't kept up with rents.")).toContain("store pay");
  });

  it("keeps a hyphenated word whole: no 'round' out of 'year-round', no 'store' out of 'in-store'", () => {
    const year = surfaces("Uniform programs could be steady year-round business.");
    expect(year).toContain("year-round business");
    expect(year).not.toContain("round");
    expect(year).not.toContain("round business");
    const store = surfaces("Connect online and in-store purchase history.");
    expect(store).toContain("in-store purchase history");
    expect(store).not.toContain("store purchase history");
    // A compound that heads its phrase stays a noun: "part-timers" is a topic.
    expect(surfaces("We rely on part-timers at weekends.")).toContain("part-timers");
    // Spaced dashes are punctuation, not compounds.
    expect(surfaces("Shipping costs - and waste - keep rising.")).not.toContain("costs-and");
  });

  it("reads a plural noun's verb as a verb: 'customers love the outdoors' holds no 'customers love'", () => {
    const found = surfaces("Our customers love the outdoors, by definition.");
    expect(found).not.toContain("customers love");
    expect(found).toContain("customers");
    expect(found).toContain("outdoors");
    // A singular noun after a plural one, before a noun, is still a compound ("sales team").
    expect(surfaces("The sales team needs a real CRM.")).toContain("sales team");
  });
});
