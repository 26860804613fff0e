import { describe, expect, it } from "vitest";
import {
  auditLines,
  auditTable,
  precisionOf,
  type TableItems,
} from "../../functions/anonymity/table-audit.js";
import { decideSnapshotCells, snapshotOf } from "../../functions/domain/snapshot-cells.js";

/** Twelve people: three departments × two locations, one London manager alone in his cell. */
const people = Array.from({ length: 12 }, (_, i) => ({
  id: `u${i}`,
  attributes: { department: `D${i % 3}`, location: i === 11 ? "London" : `L${i % 2}` },
}));
const meta = { sk: "META", audience: { kind: "everyone" }, settings: { anonymityThreshold: 5 } };

/** The table as the code wrote it before issue 9 attack 4: userId and whole snapshot in participation. */
function oldTable(): TableItems {
  const author = people[11]!;
  return {
    people,
    conversations: [
      {
        id: "c1",
        title: "old",
        meta,
        items: [
          ...people.map((p) => ({
            sk: `PART#${p.id}`,
            userId: p.id,
            attributes: p.attributes,
            joinedDay: "2026-11-30",
            thoughtCount: p === author ? 1 : 0,
          })),
          {
            sk: "THOUGHT#t1",
            id: "t1",
            authorKey: "a1",
            attributes: author.attributes,
            createdDay: "2026-11-30",
          },
        ],
        assignments: [],
      },
    ],
    others: [{ pk: "IDEM#x", sk: "IDEM", resultId: "t1", expiresAt: 1_796_000_123 }],
  };
}

describe("the table audit", () => {
  it("finds the author the old participation records give away, and the second-precision TTL", () => {
    const audit = auditTable(oldTable());
    expect(audit.conversations[0]!.thoughts).toEqual({ count: 1, fewest: 1, underK: 1 });
    expect(audit.others).toEqual([
      { item: "idempotency record", attribute: "expiresAt", precision: "second", count: 1 },
    ]);
    expect(audit.passed).toBe(false);
    expect(auditLines(audit).at(-1)).toMatch(/FAIL$/);
  });

  it("counts the directory's people behind a generalised snapshot when participation is pseudonymous", () => {
    const cells = decideSnapshotCells(
      people.map((p) => p.attributes),
      5,
    );
    const snapshot = snapshotOf(cells, people[11]!.attributes);
    const audit = auditTable({
      people,
      conversations: [
        {
          id: "c1",
          title: "new",
          meta,
          cells,
          items: [
            { sk: "PART#pseudonym", participantKey: "pseudonym", attributes: snapshot, thoughtCount: 1 },
            { sk: "THOUGHT#t1", id: "t1", authorKey: "a1", attributes: snapshot, createdDay: "2026-11-30" },
          ],
          assignments: [],
        },
      ],
      others: [{ pk: "IDEM#x", sk: "IDEM", resultId: "t1", expiresAt: 1_796_083_200 }],
    });
    expect(audit.conversations[0]!.thoughts.fewest).toBeGreaterThanOrEqual(5);
    expect(audit.passed).toBe(true);
  });

  it("tells the precision of stored times", () => {
    expect(precisionOf("createdDay", "2026-11-30")).toBe("day");
    expect(precisionOf("at", "2026-11-30T10:15:02.123Z")).toBe("millisecond");
    expect(precisionOf("at", "2026-11-30T10:15:00.000Z")).toBe("minute");
    expect(precisionOf("expiresAt", 1_796_083_200)).toBe("day");
    expect(precisionOf("ratingCount", 3)).toBeUndefined();
  });
});
