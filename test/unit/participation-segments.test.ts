import { describe, expect, it } from "vitest";
import { executiveSummary } from "../../functions/domain/executive-summary.js";
import { participationBySegment } from "../../functions/report/participation-segments.js";

const person = (i: number, department: string, location: string) => ({
  key: `p${i}`,
  attributes: { department, location },
});

// 40 invited: Sales 20 (London), Engineering 16 (Berlin), Legal 4 (Berlin).
const invited = [
  ...Array.from({ length: 20 }, (_, i) => person(i, "Sales", "London")),
  ...Array.from({ length: 16 }, (_, i) => person(100 + i, "Engineering", "Berlin")),
  ...Array.from({ length: 4 }, (_, i) => person(200 + i, "Legal", "Berlin")),
];

describe("participation by segment", () => {
  it("shows took-part-of-invited for the groups the release rule releases, and counts the rest", () => {
    // 16 of Sales, 8 of Engineering, 3 of Legal took part.
    const participants = [...invited.slice(0, 16), ...invited.slice(20, 28), ...invited.slice(36, 39)];
    const result = participationBySegment({ participants, invited, k: 5 });
    expect(result.groups).toEqual([
      { attribute: "department", value: "Sales", invited: 20, participants: 16 },
      { attribute: "location", value: "Berlin", invited: 20, participants: 11 },
      { attribute: "location", value: "London", invited: 20, participants: 16 },
    ]);
    // Legal (3) is under k; Engineering (8) would leave Legal's 3 as everyone minus the shown
    // departments (complementary suppression). Both counted, neither named.
    expect(result.hidden).toBe(2);
    expect(result.groups.some((g) => g.value === "Legal")).toBe(false);
  });

  it("shows nothing for a group under k, however large it is in the directory", () => {
    const participants = [...invited.slice(0, 4), ...invited.slice(20, 36)];
    const result = participationBySegment({ participants, invited, k: 5 });
    expect(result.groups.find((g) => g.value === "Sales")).toBeUndefined();
    expect(result.hidden).toBeGreaterThan(0);
  });

  it("reaches the executive summary with each group's rate against the healthy band", () => {
    const participants = [...invited.slice(0, 16), ...invited.slice(20, 28), ...invited.slice(36, 39)];
    const bySegment = participationBySegment({ participants, invited, k: 5 });
    const summary = executiveSummary({
      conversation: { title: "T", prompt: "Q" },
      version: 1,
      approved: false,
      anonymityThreshold: 5,
      participation: { invited: 40, participants: 27, thoughts: 10, ratings: 100 },
      participationBySegment: bySegment,
      themes: [],
      thoughts: [],
      consensusIds: [],
      polarizingIds: [],
    });
    expect(summary.participation.rates?.groups[0]).toMatchObject({
      value: "Sales",
      rate: 0.8,
      verdict: "healthy",
    });
    expect(summary.participation.rates?.hidden).toBe(2);
  });
});
