import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/** Issue 12, the audience picker: values from the directory, a live invited count, checked on save. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const facilitator = "facilitator@example.com";
const count = (audience: unknown, as = facilitator) =>
  h.call("POST", "/api/directory/audience-count", { as, body: { audience } });

describe("audience picker", () => {
  it("offers facilitators the directory's values with headcounts; employees get 403", async () => {
    const reply = await h.call("GET", "/api/directory/audience-values", { as: facilitator });
    expect(reply.status).toBe(200);
    const department = reply.body.attributes.find((a: { name: string }) => a.name === "department");
    expect(department.values).toContainEqual({ value: "Sales", people: 5 });
    expect(reply.body.attributes.map((a: { name: string }) => a.name).slice(0, 3)).toEqual([
      "department",
      "location",
      "tenureBand",
    ]);
    expect(reply.body.everyone).toBe(30);
    // Values only, never who has them.
    expect(JSON.stringify(reply.body)).not.toContain("@example.com");
    expect((await h.call("GET", "/api/directory/audience-values", { as: employees[0] })).status).toBe(403);
    expect((await count({ kind: "everyone" }, employees[0])).status).toBe(403);
  });

  it("counts who an audience invites and names what the directory lacks", async () => {
    expect((await count({ kind: "everyone" })).body).toEqual({ invited: 30, unknown: [] });
    expect((await count({ kind: "segments", segments: { department: ["Sales"] } })).body.invited).toBe(5);
    expect(
      (await count({ kind: "segments", segments: { department: ["Sales"], location: ["New York"] } })).body
        .invited,
    ).toBe(2);
    const none = await count({
      kind: "segments",
      segments: { department: ["Finance"], location: ["Berlin"] },
    });
    expect(none.body).toEqual({ invited: 0, unknown: [] });
    const typo = await count({ kind: "segments", segments: { department: ["Salse"] } });
    expect(typo.body.invited).toBe(0);
    expect(typo.body.unknown[0].message).toContain("Salse");
    // Malformed audiences are problems, not counts.
    const bad = await count({ kind: "segments", segments: { department: "Sales" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const values = Array.from({ length: 101 }, (_, i) => `Team ${i}`);
    expect((await count({ kind: "segments", segments: { team: values } })).status).toBe(400);
  });

  it("refuses to save an audience naming values the directory does not have", async () => {
    const body = (audience: unknown) => ({
      template: "custom",
      title: "Pricing",
      prompt: "What should change in our pricing?",
      audience,
    });
    const typo = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: body({ kind: "segments", segments: { department: ["Sales", "Markting"] } }),
      idempotent: true,
    });
    expect(typo.status).toBe(400);
    expect(typo.body.errors).toEqual([
      { path: "audience.segments.department", message: "no one in the directory has department “Markting”" },
    ]);
    const created = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: body({ kind: "segments", segments: { department: ["Sales", "Marketing"] } }),
      idempotent: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.counts.invited).toBe(8);
    const patched = await h.call("PATCH", `/api/conversations/${created.body.id}`, {
      as: facilitator,
      body: { audience: { kind: "segments", segments: { location: ["Sydney"] } } },
    });
    expect(patched.status).toBe(400);
    expect(patched.body.errors[0].path).toBe("audience.segments.location");
  });
});
