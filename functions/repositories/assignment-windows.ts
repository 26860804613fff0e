import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { type AssignmentWindow, assignmentWindowItem, assignmentWindowsOf } from "../db/items/ratings.js";
import { queryPages } from "../db/query.js";

/**
 * Assignment windows (docs/anonymity.md, "Open assignments and time"): the open-assignment
 * lifetime needs to know roughly when an assignment was given, and DESIGN §3.7 allows no time
 * finer than the day beside a thought id. So an open assignment carries only the random id of the
 * quarter hour it was given in; the quarter hour itself is kept here, on an item with no thought
 * id and no rater key, and deleted once the sweep has expired what was still open in it. A rated,
 * skipped, withdrawn or expired assignment carries no window at all.
 */
export const assignmentWindowMs = 15 * 60 * 1000;

const quarterOf = (now: Date) => Math.floor(now.getTime() / assignmentWindowMs) * assignmentWindowMs;

export class AssignmentWindows {
  constructor(private readonly db: Db) {}

  /** The conversation's windows not yet swept: one per quarter hour with batches, a handful. */
  async all(conversationId: string): Promise<AssignmentWindow[]> {
    const found: AssignmentWindow[] = [];
    for await (const page of queryPages(this.db, assignmentWindowItem, assignmentWindowsOf(conversationId)))
      found.push(...page);
    return found;
  }

  /**
   * The id of this quarter hour's window, opening it if no batch has yet. Two batches opening it
   * at once make two windows of the same quarter hour: harmless, both are swept alike.
   */
  async current(conversationId: string, now: Date): Promise<string> {
    const startsAt = quarterOf(now);
    const open = (await this.all(conversationId)).find((w) => w.startsAt === startsAt);
    if (open) return open.id;
    const id = randomUUID();
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: assignmentWindowItem.toItem({ conversationId, id, startsAt }),
      }),
    );
    return id;
  }

  /** Windows whose whole quarter hour lies before `cutoff`: everything given in them is older. */
  async endedBefore(conversationId: string, cutoff: Date): Promise<AssignmentWindow[]> {
    return (await this.all(conversationId)).filter(
      (w) => w.startsAt + assignmentWindowMs <= cutoff.getTime(),
    );
  }

  async delete(conversationId: string, ids: readonly string[]): Promise<void> {
    await batchWrite(
      this.db,
      [],
      ids.map((id) => assignmentWindowItem.key({ conversationId, id })),
    );
  }
}
