import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "../db/errors.js";
import { keys } from "../db/keys.js";
import type { Due, DueEvent } from "../scheduler/due.js";
import type { Db } from "./db.js";

export interface DueItem extends Due {
  readonly conversationId: string;
}

/** A claim older than this belongs to a run that died; another run may take the item over. */
const claimTimeoutMs = 5 * 60 * 1000;

/**
 * Due items live beside their conversation and in the sparse byDueAt index, so the scheduler
 * finds what is due with one Query, never a Scan.
 */
export class DueRepository {
  constructor(private readonly db: Db) {}

  /** Replaces the conversation's timed events (notices already queued are left alone). */
  async replaceSchedule(conversationId: string, events: readonly Due[]): Promise<void> {
    const existing = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.conversation(conversationId).pk, ":prefix": "DUE#T#" },
      }),
    );
    const keep = new Set(events.map((e) => `${e.event}@${e.dueAt}`));
    await Promise.all(
      (existing.Items ?? [])
        .filter((item) => !keep.has(`${item.event}@${item.dueAt}`))
        .map((item) =>
          this.db.doc.send(
            new DeleteCommand({ TableName: this.db.tableName, Key: { pk: item.pk, sk: item.sk } }),
          ),
        ),
    );
    await Promise.all(events.map((e) => this.put(conversationId, e, "T")));
  }

  /** Queues a notice for the next scheduler run. */
  async queueNotice(conversationId: string, event: DueEvent, now = new Date()): Promise<void> {
    await this.put(conversationId, { event, dueAt: now.toISOString() }, "N");
  }

  private put(conversationId: string, due: Due, kind: "T" | "N") {
    return this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: {
          ...keys.due(conversationId, kind, due.event),
          duePk: "DUE",
          dueAt: due.dueAt,
          event: due.event,
          conversationId,
        },
      }),
    );
  }

  /** Everything due by `now`, oldest first, page by page. */
  async *dueBy(now: Date): AsyncGenerator<DueItem[]> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: "byDueAt",
          KeyConditionExpression: "duePk = :due AND dueAt <= :now",
          ExpressionAttributeValues: { ":due": "DUE", ":now": now.toISOString() },
          ExclusiveStartKey: cursor,
          Limit: 100,
        }),
      );
      // The index holds keys only: the item's sk says which conversation and event it is.
      yield (page.Items ?? []).map((item) =>
        parseDueKey(String(item.pk), String(item.sk), String(item.dueAt)),
      );
      cursor = page.LastEvaluatedKey;
    } while (cursor);
  }

  /**
   * Claims an item for this run (conditional), so concurrent scheduler runs process it once.
   * Returns false when another run holds it.
   */
  async claim(item: DueItem, runId: string, now = new Date()): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: this.keyOf(item),
          UpdateExpression: "SET claimedBy = :run, claimedAt = :now",
          ConditionExpression:
            "attribute_exists(pk) AND dueAt = :dueAt AND (attribute_not_exists(claimedBy) OR claimedAt < :expired)",
          ExpressionAttributeValues: {
            ":run": runId,
            ":now": now.toISOString(),
            ":dueAt": item.dueAt,
            ":expired": new Date(now.getTime() - claimTimeoutMs).toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async done(item: DueItem, runId: string): Promise<void> {
    try {
      await this.db.doc.send(
        new DeleteCommand({
          TableName: this.db.tableName,
          Key: this.keyOf(item),
          ConditionExpression: "claimedBy = :run",
          ExpressionAttributeValues: { ":run": runId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Moves an item later (a publish still waiting for approval); releases the claim. */
  async postpone(item: DueItem, runId: string, until: Date): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: this.keyOf(item),
        UpdateExpression: "SET dueAt = :until REMOVE claimedBy, claimedAt",
        ConditionExpression: "claimedBy = :run",
        ExpressionAttributeValues: { ":run": runId, ":until": until.toISOString() },
      }),
    );
  }

  /** Marks a once-only action (a reminder) as done; false if it was done already. */
  async once(conversationId: string, action: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...keys.sent(conversationId, action), at: new Date().toISOString() },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private keyOf(item: DueItem) {
    return keys.due(item.conversationId, timedOrNotice(item.event), item.event);
  }
}

const timedOrNotice = (event: DueEvent) => (event.startsWith("notify-") ? "N" : "T");

function parseDueKey(pk: string, sk: string, dueAt: string): DueItem {
  return { conversationId: pk.slice("CONV#".length), event: sk.split("#")[2] as DueEvent, dueAt };
}
