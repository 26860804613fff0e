import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * Issue 11: bounds at every edge for what the domain can mean. The attacks of the issue — far
 * future dates and a clone that pushes them further, a `__proto__` key, forged cursors — are
 * 400 problems that write nothing, and the rest of the product keeps working.
 */
let h: Harness;
const facilitator = "facilitator@example.com";
const leader = "leader@example.com";
const admin = "admin@example.com";

const schedule = (year: number, month = 1) => ({
  sharingAt: `${year}-${String(month).padStart(2, "0")}-01T09:00:00Z`,
  ratingAt: `${year}-${String(month).padStart(2, "0")}-10T09:00:00Z`,
  closingAt: `${year}-${String(month).padStart(2, "0")}-20T09:00:00Z`,
});

beforeAll(async () => {
  h = await createHarness();
});

describe("dates", () => {
  it("refuses schedules outside 2000–2100 on conversations and cycles", async () => {
    const conversation = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "strategy-input", schedule: schedule(9999) },
      idempotent: true,
    });
    expect(conversation.status).toBe(400);
    expect(conversation.body.errors.map((e: { path: string }) => e.path)).toContain("schedule.sharingAt");
    const cycle = await h.call("POST", "/api/cycles", {
      as: facilitator,
      body: { name: "Far future", year: 2100, stages: { strategyInput: schedule(9999) } },
      idempotent: true,
    });
    expect(cycle.status).toBe(400);
    expect(
      (
        await h.call("POST", "/api/cycles", {
          as: facilitator,
          body: { name: "Later", year: 2101 },
          idempotent: true,
        })
      ).status,
    ).toBe(400);
    const past = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "strategy-input", schedule: schedule(1999) },
      idempotent: true,
    });
    expect(past.status).toBe(400);
  });

  it("refuses a clone whose shift would leave the range, before writing anything", async () => {
    const source = await h.call("POST", "/api/cycles", {
      as: facilitator,
      body: {
        name: "FY2100 strategy",
        year: 2100,
        stages: { strategyInput: schedule(2100, 10), launchReview: schedule(2100, 11) },
      },
      idempotent: true,
    });
    expect(source.status).toBe(201);
    const before = (await h.scanAll()).length;
    const clone = await h.call("POST", `/api/cycles/${source.body.id}/clone`, {
      as: facilitator,
      body: { name: "FY2101 strategy", shiftMonths: 3 },
      idempotent: true,
    });
    expect(clone.status).toBe(400);
    expect(clone.body.errors).toEqual([expect.objectContaining({ path: "shiftMonths" })]);
    expect((await h.scanAll()).length).toBe(before);
    // A shift that stays in range still clones; the list stays readable for everyone.
    const ok = await h.call("POST", `/api/cycles/${source.body.id}/clone`, {
      as: facilitator,
      body: { name: "FY2100 again", shiftMonths: 1 },
      idempotent: true,
    });
    expect(ok.status).toBe(201);
    expect(ok.body.stages[1].schedule.sharingAt).toBe("2100-12-01T09:00:00.000Z");
    for (const as of [facilitator, leader, "amara.okafor@example.com"]) {
      expect((await h.call("GET", "/api/conversations", { as })).status).toBe(200);
    }
  });

  it("refuses a clone whose year would pass 2100", async () => {
    const source = await h.call("POST", "/api/cycles", {
      as: facilitator,
      body: { name: "Year 2100", year: 2100 },
      idempotent: true,
    });
    const clone = await h.call("POST", `/api/cycles/${source.body.id}/clone`, {
      as: facilitator,
      body: { name: "Year 2101", shiftMonths: 12 },
      idempotent: true,
    });
    expect(clone.status).toBe(400);
    expect(clone.body.errors[0].path).toBe("shiftMonths");
  });
});

describe("object keys", () => {
  for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    it(`refuses ${name} as an audience attribute`, async () => {
      const body = `{"template":"strategy-input","audience":{"kind":"segments","segments":{"${name}":["x"]}}}`;
      const reply = await h.call("POST", "/api/conversations", { as: facilitator, body, idempotent: true });
      expect(reply.status).toBe(400);
      expect(reply.headers.get("content-type")).toContain("application/problem+json");
      expect(reply.body.errors[0].path).toBe(`audience.segments.${name}`);
    });
  }

  it("still takes plain attribute names", async () => {
    const reply = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: {
        template: "strategy-input",
        audience: { kind: "segments", segments: { department: ["Sales"] } },
      },
      idempotent: true,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.audience.segments).toEqual({ department: ["Sales"] });
  });
});

describe("cursors", () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

  beforeAll(async () => {
    // More than a page of audit entries, so the log hands out a cursor.
    for (let i = 0; i < 55; i++) {
      await h.services.audit.record({ actorId: "someone", action: "test.entry", target: `test:${i}` });
    }
  });

  it("pages the audit log with the cursor it issued", async () => {
    const first = await h.call("GET", "/api/audit", { as: admin });
    expect(first.status).toBe(200);
    expect(first.body.entries).toHaveLength(50);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await h.call("GET", `/api/audit?cursor=${first.body.nextCursor}`, { as: admin });
    expect(second.status).toBe(200);
    const seen = new Set(first.body.entries.map((e: { id: string }) => e.id));
    expect(second.body.entries.length).toBeGreaterThan(0);
    for (const entry of second.body.entries) expect(seen.has(entry.id)).toBe(false);
  });

  it("answers forged, altered and foreign cursors with a 400 problem", async () => {
    const { nextCursor } = (await h.call("GET", "/api/audit", { as: admin })).body;
    const [payload, signature] = String(nextCursor).split(".");
    const forged = [
      b64({ pk: "AUDIT" }),
      `${b64({ pk: "AUDIT" })}.${signature}`,
      `${b64({ pk: "AUDIT", sk: "0000" })}.${signature}`,
      `${payload}.${"A".repeat(signature!.length)}`,
      `${payload}`,
      `${payload}.${signature}.x`,
      "not base64 at all!",
      "",
      ".",
      `${b64("just a string")}.${signature}`,
    ];
    for (const cursor of forged) {
      const reply = await h.call("GET", `/api/audit?cursor=${encodeURIComponent(cursor)}`, { as: admin });
      expect(reply.status, cursor).toBe(400);
      expect(reply.body.errors?.[0]?.path ?? "cursor", cursor).toBe("cursor");
    }
    // Issued for the audit log: refused by the cycles list, which a facilitator may read too.
    const elsewhere = await h.call("GET", `/api/cycles?cursor=${nextCursor}`, { as: admin });
    expect(elsewhere.status).toBe(400);
  });

  it("binds a cycles cursor to the person it was issued to", async () => {
    for (let i = 0; i < 51; i++) {
      await h.services.cycles.createOnce(
        { name: `Cycle ${i}`, year: null, clonedFrom: null },
        { recordKey: `cycle-${i}`, requestHash: "x" },
      );
    }
    const mine = await h.call("GET", "/api/cycles", { as: leader });
    expect(mine.body.nextCursor).toBeTruthy();
    expect((await h.call("GET", `/api/cycles?cursor=${mine.body.nextCursor}`, { as: leader })).status).toBe(
      200,
    );
    expect(
      (await h.call("GET", `/api/cycles?cursor=${mine.body.nextCursor}`, { as: facilitator })).status,
    ).toBe(400);
  });
});
