import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const facilitator = "facilitator@example.com";

describe("conversations", () => {
  it("creates from a template with its default prompt and settings", async () => {
    const reply = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "launch-review" },
      idempotent: true,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      state: "draft",
      prompt: "What could get in the way of this strategy succeeding, and what would help?",
      settings: { ratingTarget: 20, anonymityThreshold: 5, batchSize: 10 },
      counts: { invited: 30 },
      nextStates: ["scheduled", "sharing"],
    });
  });

  it("requires a title and question for a custom conversation, with field errors", async () => {
    const reply = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "custom" },
      idempotent: true,
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toContain("application/problem+json");
    expect(reply.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["prompt", "title"]);
  });

  it("rejects an unknown template and bad settings with field-level details", async () => {
    const reply = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "nope", settings: { ratingTarget: 0 } },
      idempotent: true,
    });
    expect(reply.status).toBe(400);
    const paths = reply.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain("template");
    expect(paths).toContain("settings.ratingTarget");
  });

  it("needs an Idempotency-Key to create, and replays the first result for the same key", async () => {
    const missing = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "strategy-input" },
    });
    expect(missing.status).toBe(400);
    const key = randomUUID();
    const first = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "midyear-check" },
      idempotent: key,
    });
    const again = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "midyear-check" },
      idempotent: key,
    });
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: { template: "launch-review" },
      idempotent: key,
    });
    expect(other.status).toBe(409);
  });

  it("follows the lifecycle and answers 409 to illegal and repeated transitions", async () => {
    const id = await h.openConversation("draft");
    const move = (to: string) =>
      h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to } });
    expect((await move("rating")).status).toBe(409);
    expect((await move("sharing")).body.state).toBe("sharing");
    const repeated = await move("sharing");
    expect(repeated.status).toBe(409);
    expect(repeated.body.detail).toMatch(/already sharing/);
    expect((await move("rating")).body.state).toBe("rating");
    expect((await move("closed")).body.state).toBe("closed");
    // Publishing waits for a leader to approve the report (see report.test.ts).
    const early = await move("published");
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/approve/);
  });

  it("applies concurrent transitions exactly once", async () => {
    const id = await h.openConversation("sharing");
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } }),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(9);
    const now = await h.call("GET", `/api/conversations/${id}`, { as: facilitator });
    expect(now.body.state).toBe("rating");
    expect(now.body.version).toBe(3);
  });

  it("edits settings only before opening, and text while open", async () => {
    const id = await h.openConversation("draft");
    const patch = (body: unknown) => h.call("PATCH", `/api/conversations/${id}`, { as: facilitator, body });
    const edited = await patch({
      settings: { ratingTarget: 12 },
      context: "## Why\nWe want to hear from you.",
    });
    expect(edited.status).toBe(200);
    expect(edited.body.settings).toMatchObject({ ratingTarget: 12, batchSize: 10 });
    await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "sharing" } });
    expect((await patch({ settings: { ratingTarget: 30 } })).status).toBe(409);
    expect((await patch({ title: "Strategy input, round two" })).body.title).toBe(
      "Strategy input, round two",
    );
    expect((await patch({})).status).toBe(400);
  });

  it("rejects schedules out of order", async () => {
    const reply = await h.call("POST", "/api/conversations", {
      as: facilitator,
      idempotent: true,
      body: {
        template: "strategy-input",
        schedule: {
          sharingAt: "2027-01-10T09:00:00Z",
          ratingAt: "2027-01-05T09:00:00Z",
          closingAt: "2027-01-20T09:00:00Z",
        },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].path).toBe("schedule.ratingAt");
  });

  it("hides drafts from participants and shows open conversations in their audience only", async () => {
    const draft = await h.openConversation("draft");
    const forSales = await h.openConversation("sharing", {
      template: "custom",
      title: "Sales kickoff",
      prompt: "What should the sales team change next year?",
      audience: { kind: "segments", segments: { department: ["Sales"] } },
    });
    expect(
      (await h.call("GET", `/api/conversations/${draft}`, { as: "kofi.mensah@example.com" })).status,
    ).toBe(404);
    expect(
      (await h.call("GET", `/api/conversations/${forSales}`, { as: "kofi.mensah@example.com" })).status,
    ).toBe(200);
    expect(
      (await h.call("GET", `/api/conversations/${forSales}`, { as: "ben.fischer@example.com" })).status,
    ).toBe(403);
    const list = await h.call("GET", "/api/conversations", { as: "ben.fischer@example.com" });
    const ids = list.body.conversations.map((c: { id: string }) => c.id);
    expect(ids).not.toContain(draft);
    expect(ids).not.toContain(forSales);
    const facilitatorList = await h.call("GET", "/api/conversations", { as: facilitator });
    expect(facilitatorList.body.conversations.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([draft, forSales]),
    );
  });

  it("answers unknown ids and routes with a 404 problem", async () => {
    expect((await h.call("GET", `/api/conversations/${randomUUID()}`, { as: facilitator })).status).toBe(404);
    const missing = await h.call("GET", "/api/nothing-here", { as: facilitator });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toMatch(/^https:\/\//);
  });
});
