import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { readTable } from "../../functions/anonymity/read-table.js";
import {
  auditTable,
  type ConversationAudit,
  type TableAudit,
} from "../../functions/anonymity/table-audit.js";
import type { NewPerson } from "../../functions/repositories/directory.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * Issue 9, attack 4 — "joins in the table", made by the audit code against a real table. The
 * directory is the issue's: 60 people across 7 departments (one of 6) and 5 locations (London
 * has 3, all managers). Before the change, the same run left one candidate author for a sixth of
 * the thoughts; now every thought and rating must have at least k.
 */
const departments = ["Sales", "Engineering", "Support", "Finance", "Marketing", "Operations", "Legal"];
const departmentSizes = [14, 12, 9, 7, 6, 6, 6];
const locations = ["Berlin", "Remote", "New York", "Paris", "London"];

function issueDirectory(): NewPerson[] {
  const people: NewPerson[] = [];
  let n = 0;
  departmentSizes.forEach((size, d) => {
    for (let i = 0; i < size; i++, n++) {
      // London: 3 people, all managers; the rest spread over four offices.
      const location = n % 20 === 7 ? "London" : locations[n % 4]!;
      people.push({
        email: `p${n}@issue9.example.com`,
        name: `Person ${n}`,
        role: "employee",
        active: true,
        attributes: {
          department: departments[d]!,
          location,
          level: location === "London" || i === 0 ? "Manager" : "IC",
        },
      });
    }
  });
  return people;
}

let h: Harness;
let conversationId: string;
let audit: TableAudit;
let mine: ConversationAudit;

beforeAll(async () => {
  h = await createHarness();
  const people = issueDirectory();
  expect(people).toHaveLength(60);
  expect(people.filter((p) => p.attributes.location === "London")).toHaveLength(3);
  await h.services.directory.putMany(people);
  const tokens = new Map<string, string>();
  const as = async (email: string, method: string, path: string, body?: unknown) => {
    let token = tokens.get(email);
    if (!token) {
      token = await h.deps.localIssuer!.sign({ email, name: email });
      tokens.set(email, token);
    }
    const response = await h.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "idempotency-key": randomUUID(),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };

  conversationId = await h.openConversation("sharing", {
    template: "strategy-input",
    audience: { kind: "segments", segments: { department: departments } },
  });
  // Two thirds share one or two thoughts: 40 authors, 60 thoughts.
  for (const [i, person] of people.entries()) {
    if (i % 3 === 2) continue;
    for (let t = 0; t <= i % 3; t++) {
      const reply = await as(person.email, "POST", `/api/conversations/${conversationId}/thoughts`, {
        text: `Idea ${t} from contributor ${i}: we should change how planning works for our team.`,
      });
      expect(reply.status).toBe(201);
    }
  }
  await h.call("POST", `/api/conversations/${conversationId}/transition`, {
    as: "facilitator@example.com",
    body: { to: "rating" },
  });
  // Half of the directory rates one batch each, skipping now and then.
  for (const [i, person] of people.entries()) {
    if (i % 2 === 1) continue;
    const batch = await as(person.email, "GET", `/api/conversations/${conversationId}/rating-batch`);
    expect(batch.status).toBe(200);
    for (const [j, thought] of (batch.body.thoughts as { id: string }[]).entries()) {
      const verdict = (i + j) % 5 === 4 ? { skip: true } : { stars: 1 + ((i + j) % 5) };
      const rated = await as(
        person.email,
        "PUT",
        `/api/conversations/${conversationId}/ratings/${thought.id}`,
        verdict,
      );
      expect(rated.status).toBe(200);
    }
  }
  audit = auditTable(await readTable(h.doc, h.tableName));
  mine = audit.conversations.find((c) => c.id === conversationId)!;
}, 240_000);

describe("joins in the table (issue 9, attack 4)", () => {
  it("stores generalised snapshots: cells decided from the audience", async () => {
    // The issue's 60 and the harness's starter people who work in the same departments.
    const audience = (await h.services.directory.all()).filter(
      (p) => p.active && departments.includes(p.attributes.department ?? ""),
    );
    expect(audience.length).toBeGreaterThanOrEqual(60);
    expect(mine.audience).toBe(audience.length);
    expect(mine.cells).toBeGreaterThan(1);
    expect(mine.participationNamesPeople).toBe(false);
  });

  it("leaves at least k candidate authors for every thought", () => {
    expect(mine.thoughts.count).toBe(60);
    expect(mine.thoughts.underK).toBe(0);
    expect(mine.thoughts.fewest).toBeGreaterThanOrEqual(mine.k);
  });

  it("leaves at least k candidate raters for every rating and skip", () => {
    expect(mine.ratings.count).toBeGreaterThan(200);
    expect(mine.ratings.underK).toBe(0);
    expect(mine.ratings.fewest).toBeGreaterThanOrEqual(mine.k);
  });

  it("stores no time finer than the day next to a thought id, TTLs included", () => {
    const found = [...mine.timestamps, ...audit.others];
    expect(found.some((t) => t.item === "thought")).toBe(true);
    expect(found.some((t) => t.item === "idempotency record" && t.attribute === "expiresAt")).toBe(true);
    expect(found.filter((t) => t.precision !== "day")).toEqual([]);
    expect(audit.passed).toBe(true);
  });

  it("keeps no userId in the conversation's items", async () => {
    const people = new Set(h.people.map((p) => p.id));
    const items = (await h.scanAll()).filter((i) => String(i.pk).includes(conversationId));
    const text = JSON.stringify(items);
    for (const id of people) expect(text.includes(id)).toBe(false);
    const directory = await h.services.directory.all();
    for (const person of directory) expect(text.includes(person.id)).toBe(false);
  });
});
