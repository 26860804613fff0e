import { PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { cancelledConditions, isConditionFailure, withConflictRetry } from "../db/errors.js";
import { type Participation, participantsOf, participationItem } from "../db/items/participation.js";
import { snapshotCellsItem } from "../db/items/snapshot-cells.js";
import { getItem, queryPages } from "../db/query.js";
import type { SnapshotCells } from "../domain/snapshot-cells.js";
import { today } from "../lib/day.js";
import { counterIncrement } from "./counters.js";

export class ParticipationRepository {
  constructor(private readonly db: Db) {}

  async find(conversationId: string, participantKey: string): Promise<Participation | undefined> {
    return getItem(this.db, participationItem, { conversationId, participantKey }, { consistent: true });
  }

  /** The conversation's snapshot cells, if decided (workflows/snapshot.ts decides them). */
  async snapshotCells(conversationId: string): Promise<SnapshotCells | undefined> {
    return getItem(this.db, snapshotCellsItem, { conversationId }, { consistent: true });
  }

  /** Keeps the first decision: a concurrent one (from the same audience) loses and reads it. */
  async saveSnapshotCells(conversationId: string, cells: SnapshotCells): Promise<SnapshotCells> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: snapshotCellsItem.toItem({ conversationId, ...cells }),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return cells;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.snapshotCells(conversationId)) ?? cells;
    }
  }

  /** Everyone who joined, page by page: for reminders and participation rates (a job, not a request). */
  async all(conversationId: string): Promise<Participation[]> {
    const found: Participation[] = [];
    for await (const page of queryPages(this.db, participationItem, participantsOf(conversationId))) {
      found.push(...page);
    }
    return found;
  }

  /**
   * Joins once: the (generalised) snapshot of the person's attributes is taken now and kept for
   * the whole conversation, so a later department change does not move their thoughts between
   * slices.
   */
  async join(
    conversationId: string,
    participantKey: string,
    snapshot: () => Promise<Record<string, string>>,
  ): Promise<Participation> {
    const existing = await this.find(conversationId, participantKey);
    if (existing) return existing;
    const joined: Participation = {
      participantKey,
      joinedDay: today(),
      attributes: await snapshot(),
      thoughtCount: 0,
      ratingCount: 0,
      skipCount: 0,
    };
    try {
      await withConflictRetry(() =>
        this.db.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.db.tableName,
                  Item: participationItem.toItem({ conversationId, ...joined }),
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              counterIncrement(this.db.tableName, conversationId, { participants: 1 })!,
            ],
          }),
        ),
      );
      return joined;
    } catch (error) {
      // A concurrent first request joined already: use what it wrote.
      if (!cancelledConditions(error)) throw error;
      return (await this.find(conversationId, participantKey))!;
    }
  }
}

/**
 * Many conversations' participation of one person, for the home page (BatchGetItem), by their
 * pseudonym in each. An unreadable one is logged and reads as not joined.
 */
export async function participationOf(
  db: Db,
  entries: readonly { readonly conversationId: string; readonly participantKey: string }[],
): Promise<Map<string, Participation>> {
  const found = await batchGet(db, participationItem, entries);
  return new Map(
    entries.flatMap(({ conversationId: id }, i) => {
      const participation = found[i];
      return participation ? [[id, participation] as const] : [];
    }),
  );
}
