import { describe, expect, it } from "vitest";
import { findPersonThoughtLinks, finerThanDay } from "../helpers/anonymity.js";

/** The anonymity scan must be able to fail: these are the links it exists to catch. */
describe("the anonymity scan", () => {
  const people = [{ id: "u-123", email: "jane@example.com" }];
  const thoughts = [{ id: "t-456", text: "We should stop doing quarterly reorganisations." }];

  it("catches a record holding a person and a thought id or text", () => {
    expect(findPersonThoughtLinks([{ userId: "u-123", thoughtId: "t-456" }], people, thoughts)).toHaveLength(
      1,
    );
    expect(
      findPersonThoughtLinks(['{"email":"JANE@example.com","t":"t-456"}'], people, thoughts),
    ).toHaveLength(1);
    expect(
      findPersonThoughtLinks(
        [{ by: "jane@example.com", text: "We should stop doing quarterly reorganisations." }],
        people,
        thoughts,
      ),
    ).toHaveLength(1);
  });

  it("passes records holding only one side", () => {
    expect(
      findPersonThoughtLinks([{ userId: "u-123", thoughtCount: 3 }, { id: "t-456" }], people, thoughts),
    ).toEqual([]);
  });

  it("spots timestamps finer than a day", () => {
    expect(finerThanDay({ createdDay: "2026-11-21", at: "2026-11-21T10:00:00Z" })).toEqual(["at"]);
  });
});
