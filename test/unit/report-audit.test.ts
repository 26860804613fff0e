import { describe, expect, it } from "vitest";
import { auditLogLines } from "../../functions/anonymity/log-audit.js";
import { auditReleasedFamily, auditReport } from "../../functions/anonymity/report-audit.js";
import type { Contributor } from "../../functions/report/segments.js";

/** 12 people: 6 in Sales, 8 managers, 3 of them both. */
const people: Contributor[] = Array.from({ length: 12 }, (_, i) => ({
  key: `rater-${i}`,
  attributes: { department: i < 6 ? "Sales" : "Ops", level: i >= 3 && i < 11 ? "Manager" : "IC" },
}));
const slice = (attribute: string, value: string) => ({ attribute, value });

describe("the audit's released-combination figure", () => {
  it("finds the group a released family gives away, and passes a safe one", () => {
    // everyone − Manager = the 4 ICs: a reader subtracts their way under k = 5.
    const leaky = auditReleasedFamily(
      "segments",
      people,
      [slice("department", "Sales"), slice("level", "Manager")],
      5,
    );
    expect(leaky.smallest).toBe(4);
    expect(leaky.underK).not.toBeNull();
    expect(leaky.underK!).toBeLessThan(5);
    const safe = auditReleasedFamily("segments", people, [slice("department", "Sales")], 5);
    expect(safe).toMatchObject({ population: 12, released: 1, smallest: 6, underK: null, undecided: false });
  });

  it("checks a stored report's released segments and participation groups, everyone included", () => {
    const ratings = people.map((p, i) => ({
      thoughtId: `t-${i % 4}`,
      raterKey: p.key,
      stars: 1 + (i % 5),
      attributes: p.attributes,
    }));
    const families = auditReport({
      report: {
        segments: [
          { attribute: "department", value: "Sales", released: true },
          { attribute: "level", value: "Manager", released: false },
        ],
        participationBySegment: { groups: [slice("department", "Ops")] },
      },
      ratings,
      participants: people,
      settings: { anonymityThreshold: 5 },
    });
    expect(families.map((f) => [f.family, f.released, f.smallest, f.underK])).toEqual([
      ["segments", 1, 6, null],
      ["participation", 1, 6, null],
    ]);
  });
});

describe("the audit's log search", () => {
  const thoughtId = "8d1f2c8e-1111-4222-8333-944445555666";
  it("fails a line naming a thought, and one naming a person beside it", () => {
    const audit = auditLogLines(
      [
        {
          file: "server.log",
          text: [
            '{"level":"INFO","message":"request","route":"/api/conversations/:id/thoughts","timestamp":"2026-12-01T10:00:00.123Z"}',
            `{"level":"INFO","message":"oops","thoughtId":"${thoughtId}","userId":"person-1234567"}`,
            "npm banner, not JSON",
          ].join("\n"),
        },
      ],
      { thoughtIds: [thoughtId], people: ["person-1234567", "ada@example.com"] },
    );
    expect(audit).toMatchObject({
      lines: 3,
      unstructured: 1,
      namingThought: 1,
      namingPerson: 1,
      linking: 1,
      passed: false,
    });
  });

  it("passes lines that name neither", () => {
    const audit = auditLogLines(
      [{ file: "a.log", text: '{"level":"INFO","message":"theme run finished","thoughts":24}\n' }],
      { thoughtIds: [thoughtId], people: ["ada@example.com"] },
    );
    expect(audit.passed).toBe(true);
  });
});
