import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { isConditionFailure } from "../db/errors.js";
import { type DueItem, dueBy, dueItem, sentItem, timedEventsOf } from "../db/items/scheduler.js";
import { queryPage, queryPages } from "../db/query.js";
import type { Due, DueEvent } from "../scheduler/due.js";

/** A claim older than this belongs to a run that died; another run may take the item over. */
const claimTimeoutMs = 5 * 60 * 1000;
/** A conversation has at most six timed events; one page holds them all. */
const timedEventsLimit = 50;

/**
 * Due items live beside their conversation and in the sparse byDueAt index, so the scheduler
 * finds what is due with one Query, never a Scan.
 */
export class DueRepository {
  constructor(private readonly db: Db) {}

  /** Replaces the conversation's timed events (notices already queued are left alone). */
  async replaceSchedule(conversationId: string, events: readonly Due[]): Promise<void> {
    const { items: existing } = await queryPage(this.db, dueItem, timedEventsOf(conversationId), {
      limit: timedEventsLimit,
    });
    const keep = new Set(events.map((e) => `${e.event}@${e.dueAt}`));
    await Promise.all(
      existing
        .filter((item) => !keep.has(`${item.event}@${item.dueAt}`))
        .map((item) =>
          this.db.doc.send(new DeleteCommand({ TableName: this.db.tableName, Key: dueItem.key(item) })),
        ),
    );
    await Promise.all(events.map((e) => this.put(conversationId, e)));
  }

  /** Queues a notice for the next scheduler run. */
  async queueNotice(conversationId: string, event: DueEvent, now = new Date()): Promise<void> {
    await this.put(conversationId, { event, dueAt: now.toISOString() });
  }

  private put(conversationId: string, due: Due) {
    return this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: dueItem.toItem({ conversationId, event: due.event, dueAt: due.dueAt }),
      }),
    );
  }

  /** Everything due by `now`, oldest first, page by page; an unreadable entry is logged and left out. */
  dueBy(now: Date): AsyncGenerator<DueItem[]> {
    return queryPages(this.db, dueItem, dueBy(now), { limit: 100 });
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
          Key: dueItem.key(item),
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
          Key: dueItem.key(item),
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
        Key: dueItem.key(item),
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
          Item: sentItem.toItem({ conversationId, action, at: new Date().toISOString() }),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
