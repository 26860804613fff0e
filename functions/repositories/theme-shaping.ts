import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { isConditionFailure } from "../db/errors.js";
import { shapingRevisionSchema, themeShapingItem } from "../db/items/reports.js";
import { ConflictError } from "../errors.js";
import { noShaping, type ThemeShaping } from "../report/shaping.js";

/**
 * Facilitators' theme shaping (report/shaping.ts, db/items/reports.ts). Writes are compare-and-set
 * on a revision: two facilitators shaping at once never lose each other's change silently.
 */
export class ThemeShapingRepository {
  constructor(private readonly db: Db) {}

  /**
   * An unreadable item must not stop every later theme run: it is logged and reads as no shaping,
   * with its revision kept so the next save replaces it.
   */
  async get(conversationId: string): Promise<ThemeShaping & { revision: number }> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: themeShapingItem.key({ conversationId }) }),
    );
    if (!Item) return { ...noShaping, revision: 0 };
    return (
      themeShapingItem.parseOrSkip(Item, this.db.logger) ?? {
        ...noShaping,
        revision: shapingRevisionSchema.safeParse(Item).data?.revision ?? 0,
      }
    );
  }

  async save(conversationId: string, shaping: ThemeShaping, revision: number): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: themeShapingItem.toItem({ conversationId, ...shaping, revision: revision + 1 }),
          ConditionExpression: "attribute_not_exists(pk) OR revision = :revision",
          ExpressionAttributeValues: { ":revision": revision },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError("Someone else shaped these themes at the same moment. Reload and try again.");
      }
      throw error;
    }
  }
}
