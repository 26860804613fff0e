/**
 * The one BatchGetItem / BatchWriteItem path: chunks at DynamoDB's limits (100 keys, 25 writes),
 * hands unprocessed keys and items back with jittered backoff, and gives up with a 503 rather
 * than silently losing part of a batch.
 */
import { BatchGetCommand, BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import type * as z from "zod";
import { ServiceUnavailableError } from "../errors.js";
import type { Db } from "./client.js";
import type { ItemSchema, ItemType, PrimaryKey, RawItem } from "./item.js";

const getLimit = 100;
const writeLimit = 25;
const attempts = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => sleep(Math.random() * 25 * 2 ** Math.min(attempt, 6));
const keyId = (key: { pk?: unknown; sk?: unknown }) => `${String(key.pk)}\u0000${String(key.sk)}`;

/**
 * Items by their key fields, in the order asked: undefined where an item is absent or fails its
 * schema (logged, as in a list read).
 */
export async function batchGet<S extends ItemSchema, K>(
  db: Db,
  type: ItemType<S, K>,
  fields: readonly K[],
): Promise<(z.output<S> | undefined)[]> {
  const keys = fields.map((f) => type.key(f));
  // BatchGetItem refuses a request that names one key twice.
  const unique = [...new Map(keys.map((k) => [keyId(k), k])).values()];
  const found = new Map<string, RawItem>();
  for (let i = 0; i < unique.length; i += getLimit) {
    let pending: PrimaryKey[] = unique.slice(i, i + getLimit);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= attempts) throw new ServiceUnavailableError("The data store is busy. Please try again.");
      if (attempt > 0) await backoff(attempt);
      const result = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending } } }),
      );
      for (const item of result.Responses?.[db.tableName] ?? []) found.set(keyId(item), item);
      pending = (result.UnprocessedKeys?.[db.tableName]?.Keys ?? []) as PrimaryKey[];
    }
  }
  const parsed = new Map<string, z.output<S> | undefined>();
  for (const [id, raw] of found) parsed.set(id, type.parseOrSkip(raw, db.logger));
  return keys.map((k) => parsed.get(keyId(k)));
}

/** Puts every item (each built by a declaration's `toItem`) and deletes every key, in batches of 25. */
export async function batchWrite(
  db: Db,
  items: readonly RawItem[],
  deletes: readonly PrimaryKey[] = [],
): Promise<void> {
  const all = [
    ...items.map((Item) => ({ PutRequest: { Item } })),
    ...deletes.map((Key) => ({ DeleteRequest: { Key } })),
  ];
  for (let i = 0; i < all.length; i += writeLimit) {
    let requests = all.slice(i, i + writeLimit);
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt >= attempts) throw new ServiceUnavailableError("The data store is busy. Please try again.");
      if (attempt > 0) await backoff(attempt);
      const result = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[db.tableName] ?? []) as typeof requests;
    }
  }
}
