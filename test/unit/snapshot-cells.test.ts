import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideSnapshotCells, snapshotOf } from "../../functions/domain/snapshot-cells.js";

type Attributes = Record<string, string>;
const key = (a: Attributes) => JSON.stringify(Object.entries(a).sort());

/** How many audience people store each snapshot. */
function storedGroups(audience: Attributes[], k: number) {
  const cells = decideSnapshotCells(audience, k);
  const groups = new Map<string, number>();
  for (const person of audience) {
    const stored = key(snapshotOf(cells, person));
    groups.set(stored, (groups.get(stored) ?? 0) + 1);
  }
  return { cells, groups };
}

/** A directory like the issue's: departments, locations, levels; correlated and sparse. */
const directory = fc
  .record({
    size: fc.integer({ min: 1, max: 120 }),
    departments: fc.integer({ min: 1, max: 9 }),
    locations: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer(),
  })
  .map(({ size, departments, locations, seed }) => {
    let state = seed >>> 0;
    const random = () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    return Array.from({ length: size }, () => {
      const department = `D${Math.floor(random() ** 2 * departments)}`;
      const person: Attributes = { department };
      // A small location that is all one level; someone without a location now and then.
      const where = Math.floor(random() * (locations + 1));
      if (where < locations) person.location = `L${where}`;
      person.level = where === 0 ? "Manager" : random() < 0.3 ? "Manager" : "IC";
      return person;
    });
  });

describe("generalised attribute snapshots", () => {
  it("stores every combination for at least k people of the audience", () => {
    fc.assert(
      fc.property(directory, fc.constantFrom(5, 10), (audience, k) => {
        const { groups } = storedGroups(audience, k);
        if (audience.length < k) {
          expect([...groups.keys()]).toEqual([key({})]);
          return;
        }
        for (const size of groups.values()) expect(size).toBeGreaterThanOrEqual(k);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps department for every department of k or more, even where location would place more", () => {
    // The demo's trap: offices are large and mixed, departments are smaller. Placing the most
    // people would keep location and drop department; the report is read by department first.
    const audience: Attributes[] = [];
    for (let i = 0; i < 40; i++) audience.push({ department: "Sales", location: `L${i % 10}` });
    for (let i = 0; i < 30; i++) audience.push({ department: `D${i % 6}`, location: "Berlin" });
    const cells = decideSnapshotCells(audience, 5);
    expect(snapshotOf(cells, { department: "Sales", location: "L3" })).toEqual({ department: "Sales" });
    expect(snapshotOf(cells, { department: "D2", location: "Berlin" })).toEqual({
      department: "D2",
      location: "Berlin",
    });
  });

  it("pools departments under k into one remainder, and merges the smallest into a remainder under k", () => {
    const people = (department: string, n: number, location = "Paris") =>
      Array.from({ length: n }, () => ({ department, location }));
    // Two of 2: a remainder of 4 < 5, so the smallest department (Ops, 6) joins it.
    const audience = [
      ...people("Eng", 20),
      ...people("Sales", 8),
      ...people("Ops", 6),
      ...people("A", 2),
      ...people("B", 2),
    ];
    const cells = decideSnapshotCells(audience, 5);
    expect(snapshotOf(cells, { department: "Eng", location: "Paris" })).toEqual({
      department: "Eng",
      location: "Paris",
    });
    expect(snapshotOf(cells, { department: "Sales", location: "Paris" })).toEqual({
      department: "Sales",
      location: "Paris",
    });
    expect(snapshotOf(cells, { department: "Ops", location: "Paris" })).toEqual({ location: "Paris" });
    expect(snapshotOf(cells, { department: "A", location: "Paris" })).toEqual({ location: "Paris" });
    // Someone the decision never saw, or without a department, lands in the remainder.
    expect(snapshotOf(cells, { department: "New", location: "Paris" })).toEqual({ location: "Paris" });
    expect(snapshotOf(cells, { location: "Paris" })).toEqual({ location: "Paris" });
  });

  it("refines a department by location only where every office and the rest hold k", () => {
    const audience: Attributes[] = [];
    for (let i = 0; i < 12; i++) audience.push({ department: "Eng", location: i < 6 ? "Berlin" : "Paris" });
    for (let i = 0; i < 8; i++) audience.push({ department: "Ops", location: i < 5 ? "Berlin" : `L${i}` });
    const cells = decideSnapshotCells(audience, 5);
    expect(snapshotOf(cells, { department: "Eng", location: "Paris" })).toEqual({
      department: "Eng",
      location: "Paris",
    });
    // Ops: Berlin 5, the other three would be a remainder of 3, so Ops is not split.
    expect(snapshotOf(cells, { department: "Ops", location: "Berlin" })).toEqual({ department: "Ops" });
  });

  it("keeps the issue's 6-person department and hides London's 3 managers in their department", () => {
    const audience: Attributes[] = [];
    const departments = ["Eng", "Sales", "Ops", "Finance", "HR", "Legal", "Design"];
    const sizes = [14, 10, 9, 8, 7, 6, 6];
    const locations = ["Berlin", "Paris", "New York", "Remote", "London"];
    departments.forEach((department, d) => {
      for (let i = 0; i < sizes[d]!; i++) {
        const london = d < 3 && i === 0;
        audience.push({
          department,
          location: london ? "London" : locations[(i + d) % 4]!,
          level: london ? "Manager" : "IC",
        });
      }
    });
    const cells = decideSnapshotCells(audience, 5);
    const stored = audience.map((p) => snapshotOf(cells, p));
    expect(new Set(stored.map((s) => s.department)).size).toBe(7);
    expect(stored.some((s) => s.location === "London")).toBe(false);
  });

  it("puts someone who joined the audience later into an existing cell, so cells only grow", () => {
    fc.assert(
      fc.property(directory, directory, (audience, later) => {
        const cells = decideSnapshotCells(audience, 5);
        const stored = new Set(audience.map((p) => key(snapshotOf(cells, p))));
        for (const person of later) expect(stored.has(key(snapshotOf(cells, person)))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("gives an audience smaller than k nothing but the empty snapshot", () => {
    const cells = decideSnapshotCells([{ department: "A" }, { department: "A" }], 5);
    expect(snapshotOf(cells, { department: "A" })).toEqual({});
  });
});
