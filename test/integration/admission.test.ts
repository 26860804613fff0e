import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/app.js";
import type { Db } from "../../functions/db/client.js";
import { AdmissionGate, type Release } from "../../functions/lib/admission.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/** Counts DynamoDB calls, to show a refused request never reached the table. */
function counting(db: Db) {
  const counter = { calls: 0 };
  const doc = new Proxy(db.doc, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return (...args: Parameters<typeof target.send>) => {
        counter.calls++;
        return target.send(...args);
      };
    },
  });
  return { db: { ...db, doc }, counter };
}

let h: Harness;
let counter: { calls: number };
beforeAll(async () => {
  let wrapped: ReturnType<typeof counting> | undefined;
  h = await createHarness({
    wrapDb: (db) => {
      wrapped = counting(db);
      return wrapped.db;
    },
  });
  counter = wrapped!.counter;
});

/** The harness's app with a gate in front, as the embedded default runs it. */
function gated(gate: AdmissionGate) {
  const app = createApp({ ...h.services, admission: gate });
  return async (method: string, path: string, as?: string, body?: unknown) => {
    const headers: Record<string, string> = { "idempotency-key": randomUUID() };
    if (as) headers.authorization = `Bearer ${await h.tokenFor(as)}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
}

const hold = (gate: AdmissionGate): Release => gate.enter() as Release;

describe("admission control on the API", () => {
  it("answers 503 with Retry-After and an RFC 9457 body when full, before touching DynamoDB", async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 0 });
    const send = gated(gate);
    const token = await h.tokenFor("facilitator@example.com"); // signing is not what we count
    expect(token).toBeTruthy();
    const release = hold(gate);
    const before = counter.calls;
    const refused = await send("GET", "/api/conversations", "facilitator@example.com");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    const body = (await refused.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "https://groundswell.dev/problems/server-busy",
      title: "Server busy",
      status: 503,
      detail: expect.stringContaining("Nothing was done"),
    });
    expect(body.instance).toMatch(/^urn:request:/);
    expect(counter.calls).toBe(before);
    expect(h.logger.lines.some((l) => l.includes('"status":503') && l.includes('"route"'))).toBe(true);

    // Health stays answerable while the server is full.
    expect((await send("GET", "/api/health")).status).toBe(200);

    release();
    expect((await send("GET", "/api/conversations", "facilitator@example.com")).status).toBe(200);
  });

  it("queues a request while a slot is busy and serves it when the slot frees", async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 1, maxQueueMs: 60_000 });
    const send = gated(gate);
    await h.tokenFor("leader@example.com");
    const release = hold(gate);
    const queued = send("GET", "/api/conversations", "leader@example.com");
    await new Promise((r) => setTimeout(r, 50));
    expect(gate.counts().queued).toBe(1);
    const refused = await send("GET", "/api/conversations", "leader@example.com");
    expect(refused.status).toBe(503);
    release();
    expect((await queued).status).toBe(200);
  });

  it("under a burst, every answer is a success or a 503, and exactly the acknowledged shares are stored", async () => {
    const id = await h.openConversation("sharing");
    const gate = new AdmissionGate({ maxInFlight: 2, maxQueued: 2, maxQueueMs: 60_000 });
    const send = gated(gate);
    const writers = employees.slice(0, 20);
    await Promise.all(writers.map((email) => h.tokenFor(email)));
    const replies = await Promise.all(
      writers.map((email, i) =>
        send("POST", `/api/conversations/${id}/thoughts`, email, {
          text: `Burst thought number ${i}: we should publish our roadmap every quarter.`,
        }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    for (const reply of replies.filter((r) => r.status === 503)) {
      expect(reply.headers.get("retry-after")).toBe("1");
    }
    const stored = (await h.scanAll()).filter(
      (item) => String(item.sk).startsWith("THOUGHT#") && String(item.text).startsWith("Burst thought"),
    );
    expect(stored.length).toBe(statuses.filter((s) => s === 201).length);
    expect(gate.counts()).toMatchObject({ inFlight: 0, queued: 0 });
  });
});
