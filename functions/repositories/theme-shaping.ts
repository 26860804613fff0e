import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { isConditionFailure } from "../db/errors.js";
import { ConflictError } from "../errors.js";
import { noShaping, type ThemeShaping } from "../report/shaping.js";
import type { Db } from "./db.js";

/** The stored shaping: one item per conversation beside the theme edits, with a revision. */
const storedSchema = z.object({
  moves: z.record(z.string(), z.string()).default({}),
  made: z.record(z.string(), z.object({ title: z.string(), summary: z.string() })).default({}),
  revision: z.int().min(0).default(0),
});

const shapingKey = (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: "THEME-SHAPING" });

/**
 * Facilitators' theme shaping (report/shaping.ts), kept apart from computed versions so every
 * later run replays it. Writes are compare-and-set on a revision: two facilitators shaping at
 * once never lose each other's change silently.
 */
export class ThemeShapingRepository {
  constructor(private readonly db: Db) {}

  async get(conversationId: string): Promise<ThemeShaping & { revision: number }> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: shapingKey(conversationId) }),
    );
    if (!Item) return { ...noShaping, revision: 0 };
    const parsed = storedSchema.safeParse(Item);
    // An unreadable item must not stop every later theme run: it reads as no shaping.
    return parsed.success ? parsed.data : { ...noShaping, revision: Number(Item.revision ?? 0) };
  }

  async save(conversationId: string, shaping: ThemeShaping, revision: number): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: {
            ...shapingKey(conversationId),
            moves: shaping.moves,
            made: shaping.made,
            revision: revision + 1,
          },
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
