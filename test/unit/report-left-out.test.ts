import { describe, expect, it } from "vitest";
import { leftOutNote } from "../../functions/report/compute.js";

/** Issue 12: "482 ratings in one place and 470 in another, 30 thoughts vs 29". */
describe("what the report leaves out", () => {
  it("says which thoughts and ratings the live counts have and the report does not", () => {
    expect(leftOutNote({ thoughts: 30, ratings: 482 }, 29, 470)).toEqual([
      "1 thought hidden by moderators or not yet reviewed, and its 12 ratings, are left out of this report: 30 thoughts were shared and 482 ratings given in all; the report counts the 29 thoughts in it and their 470 ratings.",
    ]);
  });

  it("says nothing when the figures agree, and reads right in the singular and without ratings", () => {
    expect(leftOutNote({ thoughts: 29, ratings: 470 }, 29, 470)).toEqual([]);
    expect(leftOutNote({ thoughts: 31, ratings: 470 }, 29, 470)[0]).toMatch(
      /^2 thoughts hidden by moderators or not yet reviewed are left out/,
    );
    expect(leftOutNote({ thoughts: 29, ratings: 471 }, 29, 470)[0]).toMatch(
      /^1 rating on thoughts no longer visible is left out/,
    );
  });
});
