import { randomUUID } from "node:crypto";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { isConditionFailure } from "../db/errors.js";
import { identitySyncItem, pendingIdentitySyncs } from "../db/items/directory.js";
import { queryPage } from "../db/query.js";

export interface PendingSync {
  readonly email: string;
  readonly ticket: string;
}

/**
 * A small queue in the table: "look at this person's identity-provider account". It holds a hint,
 * not an action: the worker (auth/identity-sync.ts) reads the directory when it gets there, so a
 * hint written before a failed directory write, or twice, does no harm.
 */
export class IdentitySyncRepository {
  constructor(private readonly db: Db) {}

  async queue(addresses: readonly string[]): Promise<void> {
    // One hint per person: a batch may not hold the same key twice.
    const emails = [...new Set(addresses.map((email) => email.toLowerCase()))];
    await batchWrite(
      this.db,
      emails.map((email) => identitySyncItem.toItem({ email, ticket: randomUUID() })),
    );
  }

  /** The first `limit` hints: one Query. Bad items are logged and skipped, never fatal. */
  async pending(limit: number): Promise<PendingSync[]> {
    return (await queryPage(this.db, identitySyncItem, pendingIdentitySyncs, { limit })).items;
  }

  /** Removes a hint unless it was queued again meanwhile (then the newer one is kept). */
  async done(item: PendingSync): Promise<void> {
    try {
      await this.db.doc.send(
        new DeleteCommand({
          TableName: this.db.tableName,
          Key: identitySyncItem.key(item),
          ConditionExpression: "ticket = :ticket",
          ExpressionAttributeValues: { ":ticket": item.ticket },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
