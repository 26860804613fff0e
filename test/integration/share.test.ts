import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
let id: string;
beforeAll(async () => {
  h = await createHarness();
  id = await h.openConversation("sharing");
});

const amara = "amara.okafor@example.com";
const share = (text: string, as = amara, key: string | boolean = true) =>
  h.call("POST", `/api/conversations/${id}/thoughts`, { as, body: { text }, idempotent: key });

describe("sharing thoughts", () => {
  it("stores a thought and lists it under my thoughts only", async () => {
    const shared = await share("We should invest in onboarding so new people are productive sooner.");
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ status: "visible", needsReview: false, warnings: [] });
    expect(shared.body.createdDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const mine = await h.call("GET", `/api/conversations/${id}/thoughts/mine`, { as: amara });
    expect(mine.body.thoughts.map((t: { id: string }) => t.id)).toContain(shared.body.id);
    const theirs = await h.call("GET", `/api/conversations/${id}/thoughts/mine`, {
      as: "ben.fischer@example.com",
    });
    expect(theirs.body.thoughts).toEqual([]);
  });

  it("replays a retried submission instead of storing it twice", async () => {
    const key = randomUUID();
    const first = await share("Fewer meetings on Fridays would give us focus time.", amara, key);
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        share("Fewer meetings on Fridays would give us focus time.", amara, key),
      ),
    );
    expect(first.status).toBe(201);
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body.id).toBe(first.body.id);
    }
    const mine = await h.call("GET", `/api/conversations/${id}/thoughts/mine`, { as: amara });
    expect(
      mine.body.thoughts.filter((t: { text: string }) => t.text.startsWith("Fewer meetings")),
    ).toHaveLength(1);
    const reused = await share("A different thought under the same key.", amara, key);
    expect(reused.status).toBe(409);
  });

  it("redacts emails and phone numbers and warns about names", async () => {
    const shared = await share(
      "Ask me at someone.else@example.org or +49 30 1234 5678; I think Peter Miller blocks the roadmap.",
      "ben.fischer@example.com",
    );
    expect(shared.status).toBe(201);
    expect(shared.body.text).not.toContain("example.org");
    expect(shared.body.text).not.toContain("1234");
    expect(shared.body.text).toContain("[email removed]");
    expect(shared.body.text).toContain("[phone removed]");
    expect(shared.body.warnings).toEqual(expect.arrayContaining(["email", "phone", "name"]));
    expect(shared.body.needsReview).toBe(true);
  });

  it("enforces the length limit with a field error and loses nothing", async () => {
    const long = "x".repeat(601);
    const reply = await share(long, "chloe.martin@example.com");
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0]).toMatchObject({ path: "text" });
    expect((await share("  ", "chloe.martin@example.com")).status).toBe(400);
    const mine = await h.call("GET", `/api/conversations/${id}/thoughts/mine`, {
      as: "chloe.martin@example.com",
    });
    expect(mine.body.thoughts).toEqual([]);
  });

  it("answers malformed, oversize and key-less requests with clear problems", async () => {
    const malformed = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: amara,
      body: "{not json",
      idempotent: true,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toContain("application/problem+json");
    const huge = await share("y".repeat(70_000));
    expect(huge.status).toBe(413);
    const noKey = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: amara,
      body: { text: "A fine thought here." },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0].path).toBe("idempotency-key");
    const badKey = await share("A fine thought here.", amara, "not-a-uuid");
    expect(badKey.status).toBe(400);
  });

  it("caps thoughts per person", async () => {
    const capped = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { maxThoughtsPerPerson: 2 },
    });
    const post = (text: string) =>
      h.call("POST", `/api/conversations/${capped}/thoughts`, {
        as: amara,
        body: { text },
        idempotent: true,
      });
    expect((await post("First idea about pricing.")).status).toBe(201);
    expect((await post("Second idea about hiring.")).status).toBe(201);
    const third = await post("Third idea about travel.");
    expect(third.status).toBe(409);
    expect(third.body.detail).toMatch(/most thoughts/);
  });

  it("refuses thoughts once sharing has ended, and in conversations meant for others", async () => {
    const rating = await h.openConversation("rating");
    const late = await h.call("POST", `/api/conversations/${rating}/thoughts`, {
      as: amara,
      body: { text: "Too late for this one." },
      idempotent: true,
    });
    expect(late.status).toBe(409);
    const salesOnly = await h.openConversation("sharing", {
      template: "custom",
      title: "Sales only",
      prompt: "What should sales do differently next year?",
      audience: { kind: "segments", segments: { department: ["Sales"] } },
    });
    const outsider = await h.call("POST", `/api/conversations/${salesOnly}/thoughts`, {
      as: amara,
      body: { text: "I am not in sales." },
      idempotent: true,
    });
    expect(outsider.status).toBe(403);
  });

  it("counts participants and thoughts for the facilitator, as of the last release round", async () => {
    // While sharing the counts move only at rounds (DESIGN §3.7).
    await h.releaseRound(id);
    const view = await h.call("GET", `/api/conversations/${id}`, { as: "facilitator@example.com" });
    expect(view.body.counts).toMatchObject({ invited: 30, participants: 2, thoughts: 3 });
    const employeeView = await h.call("GET", `/api/conversations/${id}`, { as: amara });
    expect(employeeView.body.counts).toBeUndefined();
    expect(employeeView.body.me).toMatchObject({ joined: true, thoughts: 2 });
  });
});
