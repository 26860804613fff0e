import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { liveSnapshotItem } from "../db/items/live.js";
import type { LiveSnapshot } from "../domain/live.js";

/** The live view's snapshot (db/items/live.ts): one item per conversation, rewritten by the scheduler. */
export class LiveSnapshotRepository {
  constructor(private readonly db: Db) {}

  /**
   * One GetItem. Undefined before the first snapshot. An unreadable one is logged and reads as
   * none: it is derived data the scheduler replaces at its next snapshot, and it must not stop
   * the leaders' page meanwhile.
   */
  async get(conversationId: string): Promise<LiveSnapshot | undefined> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: liveSnapshotItem.key({ conversationId }) }),
    );
    return Item && liveSnapshotItem.parseOrSkip(Item, this.db.logger);
  }

  async save(conversationId: string, snapshot: LiveSnapshot): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: liveSnapshotItem.toItem({ conversationId, ...snapshot }),
      }),
    );
  }
}
