import { createHash } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "../db/keys.js";
import { ConflictError } from "../errors.js";
import type { Db } from "./db.js";

/** Replays within a day return the first result; after that the key may be reused. */
const retentionSeconds = 24 * 60 * 60;

export interface IdempotencyRecord {
  readonly resultId: string;
  readonly requestHash: string;
}

export const requestHash = (body: unknown) =>
  createHash("sha256").update(JSON.stringify(body)).digest("base64url");

/**
 * The record is written in the same transaction as the thing it creates, so a retried request
 * either finds the record (and replays) or creates both. Its key is an HMAC of person and client
 * key and its value is only the created id: it names no person (DESIGN §3.1).
 */
export function idempotencyPut(
  tableName: string,
  recordKey: string,
  record: IdempotencyRecord,
  now = new Date(),
) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.idempotency(recordKey),
        ...record,
        expiresAt: Math.floor(now.getTime() / 1000) + retentionSeconds,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** The id created by the first request with this key; a different body under the same key is refused. */
export async function replayedResult(db: Db, recordKey: string, hash: string): Promise<string> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.idempotency(recordKey), ConsistentRead: true }),
  );
  if (!Item) throw new ConflictError("A request with this Idempotency-Key is still being processed.");
  if (Item.requestHash !== hash) {
    throw new ConflictError("This Idempotency-Key was already used for a different request.");
  }
  return String(Item.resultId);
}
