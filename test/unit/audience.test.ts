import { describe, expect, it } from "vitest";
import type { Person } from "../../functions/domain/person.js";
import { attributeValues, invitedCount, unknownValues } from "../../functions/workflows/audience.js";

const person = (id: string, attributes: Record<string, string>, active = true): Person =>
  ({ id, email: `${id}@example.com`, name: id, role: "employee", active, attributes }) as Person;

const people = [
  person("a", { department: "Sales", location: "Berlin" }),
  person("b", { department: "Sales", location: "London" }),
  person("c", { department: "Finance", location: "London", team: "Tax" }),
  person("d", { department: "Legal", location: "Paris" }, false),
];

describe("audience picker", () => {
  it("lists the values active people have, with counts, the template attributes first", () => {
    expect(attributeValues(people)).toEqual([
      {
        name: "department",
        values: [
          { value: "Finance", people: 1 },
          { value: "Sales", people: 2 },
        ],
      },
      {
        name: "location",
        values: [
          { value: "Berlin", people: 1 },
          { value: "London", people: 2 },
        ],
      },
      { name: "team", values: [{ value: "Tax", people: 1 }] },
    ]);
  });

  it("counts active people matching every attribute", () => {
    expect(invitedCount(people, { kind: "everyone" })).toBe(3);
    expect(invitedCount(people, { kind: "segments", segments: { department: ["Sales"] } })).toBe(2);
    expect(
      invitedCount(people, { kind: "segments", segments: { department: ["Sales"], location: ["London"] } }),
    ).toBe(1);
    expect(invitedCount(people, { kind: "segments", segments: { department: ["Legal"] } })).toBe(0);
  });

  it("names unknown values and attributes, but lets a conversation keep values it already had", () => {
    const audience = {
      kind: "segments" as const,
      segments: { department: ["Salse", "Legal"], teem: ["Tax"] },
    };
    expect(unknownValues(people, audience)).toEqual([
      { path: "audience.segments.department", message: "no one in the directory has department “Salse”" },
      { path: "audience.segments.department", message: "no one in the directory has department “Legal”" },
      { path: "audience.segments.teem", message: "the directory has no attribute “teem”" },
    ]);
    const previous = { kind: "segments" as const, segments: { department: ["Legal"] } };
    expect(unknownValues(people, audience, previous).map((i) => i.message)).not.toContain(
      "no one in the directory has department “Legal”",
    );
    // `constructor` is not an attribute the conversation had.
    const tricky = { kind: "segments" as const, segments: { constructor: ["x"] } };
    expect(unknownValues(people, tricky, previous)).toHaveLength(1);
  });
});
