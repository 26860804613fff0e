import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { cancelledConditions, withConflictRetry } from "../db/errors.js";
import { keys, today } from "../db/keys.js";
import { counterIncrement } from "./counters.js";
import type { Db } from "./db.js";

/**
 * DESIGN §3.2: who took part and how much, kept apart from content. It holds counts and the
 * attribute snapshot of §3.3, never a thought id.
 */
export interface Participation {
  readonly userId: string;
  readonly joinedDay: string;
  readonly attributes: Record<string, string>;
  readonly thoughtCount: number;
  readonly ratingCount: number;
  readonly skipCount: number;
}

export class ParticipationRepository {
  constructor(private readonly db: Db) {}

  async find(conversationId: string, userId: string): Promise<Participation | undefined> {
    const { Item } = await this.db.doc.send(
      new GetCommand({
        TableName: this.db.tableName,
        Key: keys.participation(conversationId, userId),
        ConsistentRead: true,
      }),
    );
    return Item ? toParticipation(Item) : undefined;
  }

  /** Everyone who joined, page by page: for reminders and participation rates (a job, not a request). */
  async all(conversationId: string): Promise<Participation[]> {
    const found: Participation[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": keys.conversation(conversationId).pk, ":prefix": "PART#" },
          ExclusiveStartKey: cursor,
        }),
      );
      found.push(...(page.Items ?? []).map(toParticipation));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
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
                  Item: { ...keys.participation(conversationId, userId), ...joined },
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

function toParticipation(item: Record<string, unknown>): Participation {
  return {
    userId: String(item.userId),
    joinedDay: String(item.joinedDay),
    attributes: (item.attributes ?? {}) as Record<string, string>,
    thoughtCount: Number(item.thoughtCount ?? 0),
    ratingCount: Number(item.ratingCount ?? 0),
    skipCount: Number(item.skipCount ?? 0),
  };
}

/** Many conversations' participation of one person, for the home page (one BatchGetItem). */
export async function participationOf(
  db: Db,
  conversationIds: readonly string[],
  userId: string,
): Promise<Map<string, Participation>> {
  const found = new Map<string, Participation>();
  for (let i = 0; i < conversationIds.length; i += 100) {
    let pending: Record<string, unknown>[] = conversationIds
      .slice(i, i + 100)
      .map((id) => keys.participation(id, userId));
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
      const result = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending } } }),
      );
      for (const item of result.Responses?.[db.tableName] ?? []) {
        found.set(String(item.pk).slice("CONV#".length), toParticipation(item));
      }
      pending = (result.UnprocessedKeys?.[db.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}
