import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Contributor, releasableSlices, sliceKey } from "../../functions/report/segments.js";

const people = (spec: Record<string, number>, attribute = "department"): Contributor[] =>
  Object.entries(spec).flatMap(([value, n]) =>
    Array.from({ length: n }, (_, i) => ({ key: `${value}-${i}`, attributes: { [attribute]: value } })),
  );

const released = (decisions: ReturnType<typeof releasableSlices>) =>
  decisions.filter((d) => d.released).map((d) => sliceKey(d));

describe("releasable slices", () => {
  it("releases segments of at least k with a complement of at least k", () => {
    const decisions = releasableSlices(people({ Sales: 8, Engineering: 12, Legal: 7 }), 5);
    expect(released(decisions).sort()).toEqual([
      "*:*",
      "department:Engineering",
      "department:Legal",
      "department:Sales",
    ]);
  });

  it("hides the next-smallest value too, so everyone minus the released values is k or more", () => {
    // Legal (3) is hidden; releasing Sales and Engineering would give Legal = everyone − both.
    const decisions = releasableSlices(people({ Sales: 8, Engineering: 12, Legal: 3 }), 5);
    expect(released(decisions).sort()).toEqual(["*:*", "department:Engineering"]);
    expect(decisions.find((d) => d.value === "Legal")?.reason).toBe("too-few");
    expect(decisions.find((d) => d.value === "Sales")?.reason).toBe("complement-too-few");
  });

  it("suppresses a segment whose complement is under k (differencing against everyone)", () => {
    const decisions = releasableSlices(people({ Sales: 20, Legal: 3 }), 5);
    expect(decisions.find((d) => d.value === "Sales")).toMatchObject({
      released: false,
      reason: "complement-too-few",
    });
  });

  it("suppresses one of two slices that differ by fewer than k people", () => {
    // Berlin is Sales plus two engineers: Berlin − Sales would reveal those two.
    const contributors: Contributor[] = [
      ...Array.from({ length: 10 }, (_, i) => ({
        key: `s${i}`,
        attributes: { department: "Sales", location: "Berlin" },
      })),
      ...Array.from({ length: 2 }, (_, i) => ({
        key: `e${i}`,
        attributes: { department: "Eng", location: "Berlin" },
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        key: `x${i}`,
        attributes: { department: "Eng", location: "Paris" },
      })),
    ];
    const decisions = releasableSlices(contributors, 5);
    const names = released(decisions);
    expect(names.includes("location:Berlin") && names.includes("department:Sales")).toBe(false);
  });

  it("releases nothing but 'too few' when the whole conversation is under k", () => {
    expect(released(releasableSlices(people({ Sales: 2, Eng: 2 }), 5))).toEqual([]);
  });

  it("never releases two slices that differ by 1 to k−1 people (random populations)", () => {
    const attribute = fc.constantFrom("department", "location", "tenureBand");
    const contributor = fc.record({
      department: fc.constantFrom("Sales", "Eng", "Ops", "Legal", "HR"),
      location: fc.constantFrom("Berlin", "London", "Remote"),
      tenureBand: fc.constantFrom("<1", "1-3", "3-5", "5+"),
    });
    fc.assert(
      fc.property(
        fc.array(contributor, { minLength: 0, maxLength: 80 }),
        fc.integer({ min: 2, max: 10 }),
        fc.array(fc.tuple(attribute, fc.nat(10)), { maxLength: 30 }),
        (attrs, k, queries) => {
          const population = attrs.map((attributes, i) => ({ key: `p${i}`, attributes }));
          const decisions = releasableSlices(population, k);
          const byKey = new Map(decisions.map((d) => [sliceKey(d), d]));
          // A query sequence: each asks for one slice; collect what was ever released.
          const seen: Set<string>[] = [];
          for (const [name, pick] of queries) {
            const values = [
              ...new Set(population.map((p) => p.attributes[name as keyof typeof p.attributes])),
            ];
            const value = values[pick % Math.max(1, values.length)];
            if (value === undefined) continue;
            const decision = byKey.get(`${name}:${value}`);
            if (!decision?.released) continue;
            seen.push(
              new Set(
                population.filter((p) => p.attributes[name as "department"] === value).map((p) => p.key),
              ),
            );
          }
          if (byKey.get("*:*")?.released) seen.push(new Set(population.map((p) => p.key)));
          for (const a of seen) {
            expect(a.size).toBeGreaterThanOrEqual(k);
            for (const b of seen) {
              let difference = 0;
              for (const x of a) if (!b.has(x)) difference++;
              for (const x of b) if (!a.has(x)) difference++;
              expect(difference === 0 || difference >= k).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
