import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import { idempotencyItem } from "../db/items/idempotency.js";
import { getItem } from "../db/query.js";
import { ConflictError } from "../errors.js";

/** Replays within a day (or two) return the first result; after that the key may be reused. */
const retentionSeconds = 24 * 60 * 60;

const daySeconds = 24 * 60 * 60;
/**
 * The TTL, rounded up to a midnight UTC: the record sits beside a thought id, and an expiry to
 * the second would tell when the thought arrived (DESIGN §3.7). Replays work for 1–2 days.
 */
export const expiryDay = (now: Date) =>
  Math.ceil((Math.floor(now.getTime() / 1000) + retentionSeconds) / daySeconds) * daySeconds;

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
      Item: idempotencyItem.toItem({ recordKey, ...record }, { expiresAt: expiryDay(now) }),
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** The id created by the first request with this key; a different body under the same key is refused. */
export async function replayedResult(db: Db, recordKey: string, hash: string): Promise<string> {
  const record = await getItem(db, idempotencyItem, { recordKey }, { consistent: true });
  if (!record) throw new ConflictError("A request with this Idempotency-Key is still being processed.");
  if (record.requestHash !== hash) {
    throw new ConflictError("This Idempotency-Key was already used for a different request.");
  }
  return record.resultId;
}
