import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/** Organisation settings (the defaults new conversations take) and the audit log. */
let h: Harness;
const admin = "admin@example.com";
const facilitator = "facilitator@example.com";

const settings = {
  organisationName: "Acme Corp",
  timeZone: "europe/berlin",
  defaults: { anonymityThreshold: 7, ratingTarget: 12, thoughtMaxLength: 400, moderation: "pre" },
};

beforeAll(async () => {
  h = await createHarness();
});

describe("settings", () => {
  it("starts from the product defaults", async () => {
    const reply = await h.call("GET", "/api/settings", { as: admin });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      organisationName: "Your organisation",
      timeZone: "UTC",
      defaults: {
        anonymityThreshold: 5,
        textAnonymityThreshold: 10,
        ratingTarget: 20,
        thoughtMaxLength: 600,
        moderation: "post",
      },
      updatedAt: null,
    });
  });

  it("is for admins only", async () => {
    for (const as of [facilitator, "leader@example.com", employees[0]]) {
      expect((await h.call("GET", "/api/settings", { as })).status).toBe(403);
      expect((await h.call("PUT", "/api/settings", { as, body: settings })).status).toBe(403);
      expect((await h.call("GET", "/api/audit", { as })).status).toBe(403);
    }
  });

  it("refuses unknown time zones and out-of-range defaults with field errors", async () => {
    for (const timeZone of ["Mars/Olympus_Mons", "+01:00", ""]) {
      const reply = await h.call("PUT", "/api/settings", { as: admin, body: { ...settings, timeZone } });
      expect(reply.status, timeZone).toBe(400);
      expect(reply.body.errors.map((e: { path: string }) => e.path)).toEqual(["timeZone"]);
    }
    const reply = await h.call("PUT", "/api/settings", {
      as: admin,
      body: { ...settings, defaults: { ...settings.defaults, anonymityThreshold: 1 } },
    });
    expect(reply.body.errors.map((e: { path: string }) => e.path)).toEqual(["defaults.anonymityThreshold"]);
  });

  it("saves settings, and new conversations and cycles take the defaults unless told otherwise", async () => {
    const saved = await h.call("PUT", "/api/settings", { as: admin, body: settings });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ ...settings, timeZone: "Europe/Berlin" });
    expect((await h.call("GET", "/api/settings", { as: admin })).body).toEqual(saved.body);

    const plain = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "strategy-input" },
      idempotent: true,
    });
    expect(plain.body.settings).toMatchObject(settings.defaults);
    const explicit = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "strategy-input", settings: { ratingTarget: 30 } },
      idempotent: true,
    });
    expect(explicit.body.settings).toMatchObject({ ...settings.defaults, ratingTarget: 30 });
    const cycle = await h.call("POST", "/api/cycles", {
      as: facilitator,
      body: { name: "FY2027" },
      idempotent: true,
    });
    const stage = await h.call("GET", `/api/conversations/${cycle.body.stageIds[0]}`, { as: facilitator });
    expect(stage.body.settings).toMatchObject(settings.defaults);
  });
});

describe("audit log", () => {
  it("records settings changes with what changed, newest first", async () => {
    await h.call("PUT", "/api/settings", {
      as: admin,
      body: { ...settings, organisationName: "Acme Group" },
    });
    const page = await h.call("GET", "/api/audit", { as: admin });
    expect(page.status).toBe(200);
    const updates = page.body.entries.filter((e: { action: string }) => e.action === "settings.update");
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({
      actorId: h.person(admin).id,
      actorEmail: admin,
      target: "settings",
      details: { changed: "organisationName" },
    });
    const times = page.body.entries.map((e: { at: string }) => e.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("pages by 50 with a cursor, and refuses a forged cursor", async () => {
    for (let i = 0; i < 55; i++) {
      await h.services.audit.record({
        actorId: "someone",
        action: "test.action",
        target: `conversation:c${i}`,
      });
    }
    const first = await h.call("GET", "/api/audit", { as: admin });
    expect(first.body.entries).toHaveLength(50);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await h.call("GET", `/api/audit?cursor=${first.body.nextCursor}`, { as: admin });
    expect(second.status).toBe(200);
    const ids = [...first.body.entries, ...second.body.entries].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(57);
    const forged = Buffer.from(JSON.stringify({ pk: "CONV#x", sk: "META" })).toString("base64url");
    const refused = await h.call("GET", `/api/audit?cursor=${forged}`, { as: admin });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(["cursor"]);
  });

  it("refuses to record a thought next to a person", async () => {
    await expect(
      h.services.audit.record({ actorId: "someone", action: "thought.hide", target: "thought:abc" }),
    ).rejects.toThrow(/thoughts/);
    await expect(
      h.services.audit.record({
        actorId: "someone",
        action: "flag.review",
        target: "conversation:abc",
        details: { thoughtId: "abc" },
      }),
    ).rejects.toThrow(/thoughts/);
  });
});
