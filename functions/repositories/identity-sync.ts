import { randomUUID } from "node:crypto";
import { BatchWriteCommand, DeleteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { isConditionFailure } from "../db/errors.js";
import { keys } from "../db/keys.js";
import type { Db } from "./db.js";

const pendingSchema = z.object({ sk: z.string(), ticket: z.string() });
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
    for (let i = 0; i < emails.length; i += 25) {
      let requests = emails.slice(i, i + 25).map((email) => ({
        PutRequest: { Item: { ...keys.identitySync(email), ticket: randomUUID() } },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const result = await this.db.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.db.tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.db.tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /** The first `limit` hints: one Query. Bad items are skipped, never fatal. */
  async pending(limit: number): Promise<PendingSync[]> {
    const { Items = [] } = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.identitySyncPartition },
        Limit: limit,
      }),
    );
    return Items.flatMap((item) => {
      const parsed = pendingSchema.safeParse(item);
      return parsed.success ? [{ email: parsed.data.sk, ticket: parsed.data.ticket }] : [];
    });
  }

  /** Removes a hint unless it was queued again meanwhile (then the newer one is kept). */
  async done(item: PendingSync): Promise<void> {
    try {
      await this.db.doc.send(
        new DeleteCommand({
          TableName: this.db.tableName,
          Key: keys.identitySync(item.email),
          ConditionExpression: "ticket = :ticket",
          ExpressionAttributeValues: { ":ticket": item.ticket },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
