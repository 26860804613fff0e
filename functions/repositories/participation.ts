import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { cancelledConditions, withConflictRetry } from "../db/errors.js";
import { type Participation, participantsOf, participationItem } from "../db/items/participation.js";
import { getItem, queryPages } from "../db/query.js";
import { today } from "../lib/day.js";
import { counterIncrement } from "./counters.js";

export class ParticipationRepository {
  constructor(private readonly db: Db) {}

  async find(conversationId: string, userId: string): Promise<Participation | undefined> {
    return getItem(this.db, participationItem, { conversationId, userId }, { consistent: true });
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
   * Joins once: the snapshot of the person's attributes is taken now and kept for the whole
   * conversation, so a later department change does not move their thoughts between slices.
   */
  async join(
    conversationId: string,
    userId: string,
    attributes: () => Promise<Record<string, string>>,
  ): Promise<Participation> {
    const existing = await this.find(conversationId, userId);
    if (existing) return existing;
    const joined: Participation = {
      userId,
      joinedDay: today(),
      attributes: await attributes(),
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
      return (await this.find(conversationId, userId))!;
    }
  }
}

/**
 * Many conversations' participation of one person, for the home page (BatchGetItem). An
 * unreadable one is logged and reads as not joined.
 */
export async function participationOf(
  db: Db,
  conversationIds: readonly string[],
  userId: string,
): Promise<Map<string, Participation>> {
  const found = await batchGet(
    db,
    participationItem,
    conversationIds.map((conversationId) => ({ conversationId, userId })),
  );
  return new Map(
    conversationIds.flatMap((id, i) => {
      const participation = found[i];
      return participation ? [[id, participation] as const] : [];
    }),
  );
}
