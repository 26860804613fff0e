import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { conversationItem } from "../../functions/db/items/conversations.js";
import { cycleItem } from "../../functions/db/items/cycles.js";
import { reportHeadItem, reportPageItem } from "../../functions/db/items/reports.js";
import { personKeys } from "../../functions/domain/author-key.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 11: a bad item already in the table. One item that fails its schema — written by an
 * older version, a bug or a hand edit — is logged (its type and key shape, never a value) and
 * left out of every list it belongs to; a read of that one item is a clear 409 problem. Never a
 * 500, and never a list that one item takes down for everyone.
 */
let h: Harness;
let open: string;
let closed: string;
const facilitator = "facilitator@example.com";
const leader = "leader@example.com";
const admin = "admin@example.com";
const author = employees[0]!;
/** Planted in bad items: no log line may carry it. */
const secret = "Do not log this sentence";

const put = (Item: Record<string, unknown>) => h.doc.send(new PutCommand({ TableName: h.tableName, Item }));
const skipped = () =>
  h.logger.lines
    .filter((l) => l.includes("unreadable item"))
    .map((l) => JSON.parse(l) as Record<string, string>);

beforeAll(async () => {
  h = await createHarness();
  open = await h.openConversation("sharing");
  for (const [i, email] of employees.slice(0, 6).entries()) {
    await h.call("POST", `/api/conversations/${open}/thoughts`, {
      as: email,
      body: { text: `[tools] Thought ${i}: our build tools slow everyone down.` },
      idempotent: true,
    });
  }
  // Shared thoughts wait for a release round before anyone is given them to rate.
  await h.releaseRound(open);
  // A second conversation taken to a report, so report pages can be poisoned.
  closed = await h.openConversation("sharing");
  for (const [i, email] of employees.slice(0, 6).entries()) {
    await h.call("POST", `/api/conversations/${closed}/thoughts`, {
      as: email,
      body: { text: `[pricing] Thought ${i}: our prices confuse new customers.` },
      idempotent: true,
    });
  }
  for (const to of ["rating", "closed"]) {
    await h.call("POST", `/api/conversations/${closed}/transition`, { as: facilitator, body: { to } });
  }
  await h.jobsDone();

  // The attack, as it would have been stored before bounds: a schedule in year 10000.
  const poisoned = await h.openConversation("sharing");
  await h.doc.send(
    new UpdateCommand({
      TableName: h.tableName,
      Key: conversationItem.key({ id: poisoned }),
      UpdateExpression: "SET schedule = :s, title = :t",
      ExpressionAttributeValues: {
        ":t": secret,
        ":s": {
          sharingAt: "+010000-01-01T00:00:00.000Z",
          ratingAt: "+010000-02-01T00:00:00.000Z",
          closingAt: "+010000-03-01T00:00:00.000Z",
        },
      },
    }),
  );
  poisonedId = poisoned;
}, 240_000);
let poisonedId: string;

describe("a bad stored item", () => {
  it("is left out of the conversations list for every role, and its own read is a 409 problem", async () => {
    for (const as of [facilitator, leader, author]) {
      const list = await h.call("GET", "/api/conversations", { as });
      expect(list.status, as).toBe(200);
      const ids = list.body.conversations.map((c: { id: string }) => c.id);
      expect(ids).toContain(open);
      expect(ids).not.toContain(poisonedId);
    }
    const one = await h.call("GET", `/api/conversations/${poisonedId}`, { as: facilitator });
    expect(one.status).toBe(409);
    expect(one.headers.get("content-type")).toContain("application/problem+json");
    expect(one.body.type).toBe("https://groundswell.dev/problems/unreadable-item");
    expect(one.body.detail).not.toContain(secret);
    // A write to it is refused the same way, and changes nothing.
    const edit = await h.call("PATCH", `/api/conversations/${poisonedId}`, {
      as: facilitator,
      body: { title: "Fixed by hand" },
    });
    expect(edit.status).toBe(409);
    const lines = skipped();
    expect(
      lines.some((l) => l.item === "conversation" && l.key === "CONV#…/META" && l.fields === "schedule"),
    ).toBe(true);
  });

  it("is left out of the cycles list", async () => {
    const created = await h.call("POST", "/api/cycles", {
      as: facilitator,
      body: { name: "FY2031 strategy" },
      idempotent: true,
    });
    const bad = await h.call("POST", "/api/cycles", {
      as: facilitator,
      body: { name: "FY2032 strategy" },
      idempotent: true,
    });
    await h.doc.send(
      new UpdateCommand({
        TableName: h.tableName,
        Key: cycleItem.key({ id: bad.body.id }),
        UpdateExpression: "SET stageIds = :n",
        ExpressionAttributeValues: { ":n": 7 },
      }),
    );
    const list = await h.call("GET", "/api/cycles", { as: leader });
    expect(list.status).toBe(200);
    const ids = list.body.cycles.map((c: { id: string }) => c.id);
    expect(ids).toContain(created.body.id);
    expect(ids).not.toContain(bad.body.id);
    expect((await h.call("GET", `/api/cycles/${bad.body.id}`, { as: leader })).status).toBe(409);
  });

  it("is left out of the audit log", async () => {
    await put({ pk: "AUDIT", sk: "2099-01-01T00:00:00.000Z#bad", id: "bad", at: 12, action: secret });
    const log = await h.call("GET", "/api/audit", { as: admin });
    expect(log.status).toBe(200);
    expect(log.body.entries.length).toBeGreaterThan(0);
    expect(log.body.entries.map((e: { id: string }) => e.id)).not.toContain("bad");
  });

  it("leaves one bad thought out of a report page, and a bad head is a 409", async () => {
    const before = await h.call("GET", `/api/conversations/${closed}/report`, { as: leader });
    expect(before.status).toBe(200);
    const count = before.body.thoughts.length;
    await h.doc.send(
      new UpdateCommand({
        TableName: h.tableName,
        Key: reportPageItem.key({ conversationId: closed, version: 1, page: 0 }),
        UpdateExpression: "SET thoughts[0].stats = :s, thoughts[0].#text = :t",
        ExpressionAttributeNames: { "#text": "text" },
        ExpressionAttributeValues: { ":s": "broken", ":t": secret },
      }),
    );
    const after = await h.call("GET", `/api/conversations/${closed}/report`, { as: leader });
    expect(after.status).toBe(200);
    expect(after.body.thoughts).toHaveLength(count - 1);
    const exported = await h.call("GET", `/api/conversations/${closed}/export?format=csv`, { as: leader });
    expect(exported.status).toBe(200);
    expect(exported.body).not.toContain(secret);

    await h.doc.send(
      new UpdateCommand({
        TableName: h.tableName,
        Key: reportHeadItem.key({ conversationId: closed, version: 1 }),
        UpdateExpression: "SET head.themes = :t",
        ExpressionAttributeValues: { ":t": "broken" },
      }),
    );
    const head = await h.call("GET", `/api/conversations/${closed}/report`, { as: leader });
    expect(head.status).toBe(409);
    expect(head.body.type).toBe("https://groundswell.dev/problems/unreadable-item");
  });

  it("is left out of the moderation queue", async () => {
    const flagged = await h.call("POST", `/api/conversations/${open}/thoughts`, {
      as: employees[7]!,
      body: { text: "I think Jordan Smith in finance should be replaced." },
      idempotent: true,
    });
    expect(flagged.body.needsReview).toBe(true);
    await put({ pk: `CONV#${open}`, sk: "REVIEW#bad", thoughtId: 42, reasons: secret });
    await h.releaseRound(open); // held thoughts reach the queue at a release round
    const queue = await h.call("GET", `/api/conversations/${open}/moderation`, { as: facilitator });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: { thoughtId: string }) => i.thoughtId)).toContain(flagged.body.id);
  });

  it("is left out of my thoughts", async () => {
    const me = h.person(author);
    const { authorKey } = personKeys(h.authorKeySecret, open, me.id);
    await put({
      pk: `CONV#${open}`,
      sk: "THOUGHT#bad-mine",
      gsi1pk: `AUTHOR#${authorKey}`,
      gsi1sk: "THOUGHT#bad-mine",
      id: "bad-mine",
      text: secret,
      status: "gone",
    });
    const mine = await h.call("GET", `/api/conversations/${open}/thoughts/mine`, { as: author });
    expect(mine.status).toBe(200);
    expect(mine.body.thoughts).toHaveLength(1);
    expect(JSON.stringify(mine.body)).not.toContain(secret);
  });

  it("is left out of rating batch candidates, whether the index entry or the thought is bad", async () => {
    // Least exposed, so both would be picked first: one lacks its author key in the index, the
    // other reads well in the index but not as a thought.
    await put({
      pk: `CONV#${open}`,
      sk: "THOUGHT#bad-entry",
      expPk: `CONV#${open}`,
      exposure: -2,
      text: secret,
    });
    await put({
      pk: `CONV#${open}`,
      sk: "THOUGHT#bad-thought",
      expPk: `CONV#${open}`,
      exposure: -1,
      authorKey: "someone",
      ratingCount: 0,
      text: secret,
    });
    const batch = await h.call("GET", `/api/conversations/${open}/rating-batch`, { as: employees[10]! });
    expect(batch.status).toBe(200);
    const ids = batch.body.thoughts.map((t: { id: string }) => t.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain("bad-entry");
    expect(ids).not.toContain("bad-thought");
    // The unreadable thought's assignment was withdrawn: the next batch does not hold its slot.
    const again = await h.call("GET", `/api/conversations/${open}/rating-batch`, { as: employees[10]! });
    expect(again.status).toBe(200);
  });

  it("is left out of the scheduler's due list and its snapshot step", async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    await put({ pk: `CONV#${open}`, sk: "DUE#T#explode", duePk: "DUE", dueAt: past, event: "explode" });
    await put({ pk: "CONV#nowhere", sk: "DUE#T#open", duePk: "DUE", dueAt: "2000-01-01" });
    // A conversation scheduled to open now, so the run has real work beside the bad items.
    const scheduled = await h.openConversation("draft");
    const soon = Date.now() - 1000;
    await h.call("PATCH", `/api/conversations/${scheduled}`, {
      as: facilitator,
      body: {
        schedule: {
          sharingAt: new Date(soon).toISOString(),
          ratingAt: new Date(soon + 86_400_000).toISOString(),
          closingAt: new Date(soon + 2 * 86_400_000).toISOString(),
        },
      },
    });
    await h.call("POST", `/api/conversations/${scheduled}/transition`, {
      as: facilitator,
      body: { to: "scheduled" },
    });
    const run = await runScheduler(h.services, new Date());
    expect(run.transitions).toBe(1);
    expect((await h.call("GET", `/api/conversations/${scheduled}`, { as: facilitator })).body.state).toBe(
      "sharing",
    );
    // The snapshot of the open conversation was computed despite its bad thoughts and the bad
    // conversation in the list.
    const snapshot = await h.services.rankingSnapshots.get(open);
    expect(snapshot?.thoughts).toBeGreaterThanOrEqual(6);
  });

  it("is logged by type and key shape only: no ids, no values, no thought text", () => {
    const lines = skipped();
    expect(lines.length).toBeGreaterThan(5);
    const items = new Set(lines.map((l) => l.item));
    for (const expected of [
      "conversation",
      "cycle",
      "audit entry",
      "report thought entry",
      "review entry",
      "thought",
      "thought exposure entry",
      "due item",
    ]) {
      expect(items, expected).toContain(expected);
    }
    for (const line of lines) {
      for (const id of [open, closed, poisonedId, "bad-mine", "bad-thought"])
        expect(JSON.stringify(line)).not.toContain(id);
    }
    for (const line of h.logger.lines) expect(line).not.toContain(secret);
  });
});
