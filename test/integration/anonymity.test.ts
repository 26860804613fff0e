import { beforeAll, describe, expect, it } from "vitest";
import { findPersonThoughtLinks, finerThanDay } from "../helpers/anonymity.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * DESIGN §3, promises 1–3 and 6, checked after a whole conversation: every item in the table,
 * every log line and every response a facilitator or leader can get.
 */
let h: Harness;
let conversationId: string;
const thoughts: { id: string; text: string }[] = [];
const staffResponses: unknown[] = [];

beforeAll(async () => {
  h = await createHarness();
  conversationId = await h.openConversation("sharing");
  const authors = employees.slice(0, 8);
  for (const [i, author] of authors.entries()) {
    const text = `Idea ${i}: we should simplify the approval process for small purchases in team ${i}.`;
    const reply = await h.call("POST", `/api/conversations/${conversationId}/thoughts`, {
      as: author,
      body: { text },
      idempotent: true,
    });
    thoughts.push({ id: reply.body.id, text: reply.body.text });
  }
  await h.call("POST", `/api/conversations/${conversationId}/transition`, {
    as: "facilitator@example.com",
    body: { to: "rating" },
  });
  for (const rater of employees.slice(0, 10)) {
    const batch = await h.call("GET", `/api/conversations/${conversationId}/rating-batch`, { as: rater });
    for (const [i, t] of batch.body.thoughts.entries()) {
      await h.call("PUT", `/api/conversations/${conversationId}/ratings/${t.id}`, {
        as: rater,
        body: i % 4 === 3 ? { skip: true } : { stars: 1 + (i % 5) },
      });
    }
  }
  for (const as of ["facilitator@example.com", "leader@example.com", "admin@example.com"]) {
    staffResponses.push((await h.call("GET", "/api/conversations", { as })).body);
    staffResponses.push((await h.call("GET", `/api/conversations/${conversationId}`, { as })).body);
  }
});

describe("anonymity", () => {
  it("stores nothing that links a person to a thought", async () => {
    const items = await h.scanAll();
    expect(items.length).toBeGreaterThan(50);
    expect(findPersonThoughtLinks(items, h.people, thoughts)).toEqual([]);
  });

  it("logs nothing that links a person to a thought", () => {
    expect(h.logger.lines.length).toBeGreaterThan(50);
    expect(findPersonThoughtLinks(h.logger.lines, h.people, thoughts)).toEqual([]);
    // Log lines name route patterns, not concrete paths with ids.
    expect(h.logger.lines.some((l) => l.includes("/ratings/:thoughtId"))).toBe(true);
    expect(h.logger.lines.some((l) => thoughts.some((t) => l.includes(t.id)))).toBe(false);
  });

  it("keeps only an HMAC author key and a day on each thought", async () => {
    const items = (await h.scanAll()).filter((i) => String(i.sk).startsWith("THOUGHT#"));
    expect(items).toHaveLength(thoughts.length);
    for (const item of items) {
      expect(item.authorKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(finerThanDay(item)).toEqual([]);
      expect(item.createdDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("keeps participation apart from content: counts, never thought ids", async () => {
    const participation = (await h.scanAll()).filter((i) => String(i.sk).startsWith("PART#"));
    expect(participation.length).toBe(10);
    for (const item of participation) {
      const text = JSON.stringify(item);
      expect(thoughts.some((t) => text.includes(t.id))).toBe(false);
      expect(item).toHaveProperty("thoughtCount");
    }
  });

  it("never returns an author key, from any route, to anyone", async () => {
    const doc = await h.call("GET", "/api/openapi.json");
    expect(JSON.stringify(doc.body)).not.toMatch(/authorKey|raterKey/);
    for (const response of staffResponses) expect(JSON.stringify(response)).not.toMatch(/authorKey|raterKey/);
  });

  it("derives author keys per conversation, so one person's keys do not repeat across conversations", async () => {
    const other = await h.openConversation("sharing");
    await h.call("POST", `/api/conversations/${other}/thoughts`, {
      as: employees[0],
      body: { text: "A second conversation's thought." },
      idempotent: true,
    });
    const keys = (await h.scanAll())
      .filter((i) => String(i.sk).startsWith("THOUGHT#"))
      .map((i) => i.authorKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
