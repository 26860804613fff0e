import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  minimumAnonymityThreshold,
  settingsSchema,
  storedSettingsSchema,
  textThreshold,
} from "../../functions/domain/conversation.js";
import {
  findSmallGroup,
  signatureClasses,
  smallestSignedCombination,
} from "../../functions/report/disclosure.js";

/** Every ±1 combination of any number of the groups (everyone included): brute force. */
function bruteForce(people: number, groups: readonly (readonly number[])[]): number | null {
  return smallestSignedCombination(people, groups, groups.length + 1);
}

const family = fc.record({
  people: fc.integer({ min: 1, max: 24 }),
  groups: fc.array(fc.array(fc.nat(23), { maxLength: 16 }), { minLength: 0, maxLength: 6 }),
});

describe("the exact search for a small group", () => {
  it("agrees with brute force over every ±1 combination: nothing it calls safe is broken", () => {
    fc.assert(
      fc.property(family, fc.integer({ min: 2, max: 8 }), ({ people, groups }, k) => {
        const members = groups.map((g) => [...new Set(g.filter((p) => p < people))]);
        const search = findSmallGroup(signatureClasses(people, members), k, { minimum: true });
        const brute = bruteForce(people, members);
        // ±1 combinations are a subset of all linear combinations: if they find a small group,
        // the exact search must too, and its smallest is no larger.
        if (brute !== null && brute < k) {
          expect(search.kind).toBe("found");
          if (search.kind === "found") expect(search.size).toBeLessThanOrEqual(brute);
        }
        if (search.kind === "safe") expect(brute === null || brute >= k).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("finds the one person two large slices share when together they cover everyone", () => {
    // A = {0..5, 12}, B = {6..11, 12}, everyone = 13: A + B − everyone is person 12 alone.
    const members = [
      [0, 1, 2, 3, 4, 5, 12],
      [6, 7, 8, 9, 10, 11, 12],
    ];
    expect(findSmallGroup(signatureClasses(13, members), 5, { minimum: true })).toEqual({
      kind: "found",
      size: 1,
    });
  });

  it("calls a family safe when every signature class holds k people", () => {
    const members = [Array.from({ length: 10 }, (_, i) => i)];
    expect(findSmallGroup(signatureClasses(20, members), 5).kind).toBe("safe");
  });
});

describe("anonymity thresholds", () => {
  it("refuses a request below the floors, in plain words", () => {
    const parsed = settingsSchema.partial().safeParse({ anonymityThreshold: 3, textAnonymityThreshold: 9 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([
      "can't be below 5: smaller groups could single people out",
      "can't be below 10: quotes and themes for smaller groups could single people out",
    ]);
  });

  it("reads settings stored below the floors as the floors", () => {
    const stored = storedSettingsSchema.parse({ anonymityThreshold: 3, textAnonymityThreshold: 4 });
    expect(stored).toMatchObject({
      anonymityThreshold: minimumAnonymityThreshold,
      textAnonymityThreshold: 10,
    });
    expect(textThreshold({ anonymityThreshold: 12 })).toBe(12);
  });
});
