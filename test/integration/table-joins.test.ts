import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { readTable } from "../../functions/anonymity/read-table.js";
import {
  auditTable,
  type ConversationAudit,
  type TableAudit,
} from "../../functions/anonymity/table-audit.js";
import {
  type IssueNineCall,
  issueNineDepartments,
  issueNineDirectory,
  runIssueNineConversation,
} from "../../functions/local/demo/issue-nine.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * Issue 9, attack 4 — "joins in the table", made by the audit code against a real table. The
 * directory is the issue's (functions/local/demo/issue-nine.ts, also `npm run demo:issue9`):
 * 60 people across 7 departments (one of 6) and 5 locations (London has 3, all managers).
 * Before the change, the same run left one candidate author for a sixth of the thoughts; now
 * every thought and rating must have at least k.
 */
let h: Harness;
let conversationId: string;
let audit: TableAudit;
let mine: ConversationAudit;

beforeAll(async () => {
  h = await createHarness();
  const people = issueNineDirectory();
  expect(people).toHaveLength(60);
  expect(people.filter((p) => p.attributes.location === "London")).toHaveLength(3);
  await h.services.directory.putMany(people);
  const tokens = new Map<string, string>();
  const call: IssueNineCall = async (email, method, path, body) => {
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
  ({ conversationId } = await runIssueNineConversation(call, { facilitator: "facilitator@example.com" }));
  audit = auditTable(await readTable(h.doc, h.tableName));
  mine = audit.conversations.find((c) => c.id === conversationId)!;
}, 240_000);

describe("joins in the table (issue 9, attack 4)", () => {
  it("stores generalised snapshots: cells decided from the audience, every department kept", async () => {
    expect(mine.audience).toBe(60);
    expect(mine.cells).toBe(issueNineDepartments.length);
    // Every department keeps its name; London's 3 managers are London in no stored snapshot.
    const snapshots = (await h.scanAll())
      .filter((i) => String(i.pk).includes(conversationId) && i.attributes)
      .map((i) => i.attributes as Record<string, string>);
    expect(new Set(snapshots.map((a) => a.department))).toEqual(new Set(issueNineDepartments));
    expect(snapshots.filter((a) => a.location === "London")).toEqual([]);
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
