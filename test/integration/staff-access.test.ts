import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * Issue 12, defect 1: staff act on every conversation whatever its audience (DESIGN §2). The
 * facilitator (People), the leader (Leadership) and the admin (Operations) are all outside a
 * Sales-only audience; they must manage, moderate and read it, and it stays on their lists.
 * Taking part is still for the audience: staff outside it do not add thoughts or ratings.
 */
let h: Harness;
let id: string;
const facilitator = "facilitator@example.com";
const leader = "leader@example.com";
const admin = "admin@example.com";
const sales = [
  "kofi.mensah@example.com",
  "lina.haddad@example.com",
  "marco.silva@example.com",
  "nora.lind@example.com",
  "omar.aziz@example.com",
];
const engineer = "ben.fischer@example.com";

beforeAll(async () => {
  h = await createHarness();
  id = await h.openConversation("sharing", {
    template: "custom",
    title: "Sales kickoff",
    prompt: "What should the sales team change next year?",
    audience: { kind: "segments", segments: { department: ["Sales"] } },
    settings: { moderation: "pre" },
  });
  for (const [i, author] of sales.entries()) {
    const shared = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: author,
      body: { text: `Idea ${i}: we should simplify the discount approval for key accounts.` },
      idempotent: true,
    });
    expect(shared.status).toBe(201);
  }
  // Counts while sharing move only at release rounds (DESIGN §3.7): cut one, as the scheduler does.
  await h.releaseRound(id);
}, 120_000);

describe("staff outside a segment audience", () => {
  it("open the conversation, see its counts and are told they are not in its audience", async () => {
    for (const who of [facilitator, leader, admin]) {
      const reply = await h.call("GET", `/api/conversations/${id}`, { as: who });
      expect(reply.status, who).toBe(200);
      expect(reply.body.me.inAudience, who).toBe(false);
      expect(reply.body.counts, who).toMatchObject({ invited: 5, thoughts: 5 });
    }
    const member = await h.call("GET", `/api/conversations/${id}`, { as: sales[0] });
    expect(member.body.me).toMatchObject({ inAudience: true, joined: true });
    expect(member.body.counts).toBeUndefined();
  });

  it("keep it on their lists; an employee outside it does not see it", async () => {
    for (const who of [facilitator, leader, admin]) {
      const list = await h.call("GET", "/api/conversations", { as: who });
      const found = list.body.conversations.find((c: { id: string }) => c.id === id);
      expect(found, who).toMatchObject({ me: { inAudience: false } });
    }
    const list = await h.call("GET", "/api/conversations", { as: engineer });
    expect(list.body.conversations.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await h.call("GET", `/api/conversations/${id}`, { as: engineer })).status).toBe(403);
  });

  it("moderate it: the facilitator and the admin approve its pre-moderated thoughts", async () => {
    const queue = await h.call("GET", `/api/conversations/${id}/moderation`, { as: facilitator });
    expect(queue.status).toBe(200);
    expect(queue.body.items).toHaveLength(5);
    for (const [i, item] of queue.body.items.entries()) {
      const decided = await h.call("POST", `/api/conversations/${id}/moderation/${item.thoughtId}`, {
        as: i % 2 === 0 ? facilitator : admin,
        body: { action: "keep" },
      });
      expect(decided.status).toBe(200);
    }
    const after = await h.call("GET", `/api/conversations/${id}/moderation`, { as: admin });
    expect(after.body.items).toHaveLength(0);
  });

  it("do not take part: sharing and rating stay with the audience", async () => {
    const shared = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: leader,
      body: { text: "A leader's thought in a Sales-only conversation." },
      idempotent: true,
    });
    expect(shared.status).toBe(403);
    const batch = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: facilitator });
    expect(batch.status).toBe(403);
  });

  it("manage it and read its report: close, compute themes, approve and publish", async () => {
    for (const rater of sales) {
      const batch = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: rater });
      expect(batch.status).toBe(200);
      for (const t of batch.body.thoughts) {
        await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, { as: rater, body: { stars: 4 } });
      }
    }
    for (const to of ["rating", "closed"]) {
      const moved = await h.call("POST", `/api/conversations/${id}/transition`, {
        as: facilitator,
        body: { to },
      });
      expect(moved.status).toBe(200);
    }
    await h.jobsDone();
    for (const who of [leader, facilitator, admin]) {
      const report = await h.call("GET", `/api/conversations/${id}/report`, { as: who });
      expect(report.status, who).toBe(200);
      expect(report.body.thoughts).toHaveLength(5);
      const csv = await h.call("GET", `/api/conversations/${id}/export?format=csv`, { as: who });
      expect(csv.status, who).toBe(200);
    }
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    const approved = await h.call("POST", `/api/conversations/${id}/report/approve`, {
      as: leader,
      body: { version: report.body.version },
    });
    expect(approved.status).toBe(200);
    const published = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: admin,
      body: { to: "published" },
    });
    expect(published.status).toBe(200);
  });

  it("publish to the audience only: a participant reads the results, an outsider does not", async () => {
    expect((await h.call("GET", `/api/conversations/${id}/report`, { as: sales[1] })).status).toBe(200);
    expect((await h.call("GET", `/api/conversations/${id}/report`, { as: engineer })).status).toBe(403);
    expect((await h.call("GET", `/api/conversations/${id}/export?format=md`, { as: engineer })).status).toBe(
      403,
    );
    expect((await h.call("GET", `/api/conversations/${id}/report`, { as: leader })).status).toBe(200);
  });
});
