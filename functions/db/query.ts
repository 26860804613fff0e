/**
 * Reads through item declarations (db/item.ts): one GetItem, or Query pages whose bad items are
 * logged and left out. A start key handed back by a caller (a cursor) is checked against the
 * query it claims to continue before DynamoDB sees it.
 */
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type * as z from "zod";
import { ValidationError } from "../errors.js";
import type { Db } from "./client.js";
import type { ItemSchema, ItemType, RawItem } from "./item.js";
import { type IndexName, table } from "./table.js";

/** A LastEvaluatedKey: the key attributes of the last item a page read. */
export type StoredKey = Readonly<Record<string, string | number>>;

export type SortCondition =
  | { readonly beginsWith: string }
  | { readonly between: readonly [string, string] }
  | { readonly atMost: string };

/** Which items a Query reads: one partition of the table or an index, optionally a sort range. */
export interface KeyQuery {
  readonly index?: IndexName;
  readonly partition: string;
  readonly sort?: SortCondition;
}

export interface Filter {
  readonly expression: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface PageOptions {
  readonly limit?: number;
  /** Where the previous page stopped; validated against this query (a ValidationError if foreign). */
  readonly startKey?: StoredKey;
  /** Descending sort key order. */
  readonly newestFirst?: boolean;
  readonly consistent?: boolean;
  readonly filter?: Filter;
}

export interface Page<T> {
  readonly items: T[];
  readonly lastKey?: StoredKey;
}

/** One item by its key; undefined when absent, an UnreadableItemError when it fails its schema. */
export async function getItem<S extends ItemSchema, K>(
  db: Db,
  type: ItemType<S, K>,
  fields: K,
  options: { readonly consistent?: boolean } = {},
): Promise<z.output<S> | undefined> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: type.key(fields), ConsistentRead: options.consistent }),
  );
  return Item ? type.parse(Item) : undefined;
}

/** One page of a Query, parsed: items that fail their schema are logged and left out. */
export async function queryPage<S extends ItemSchema, K>(
  db: Db,
  type: ItemType<S, K>,
  query: KeyQuery,
  options: PageOptions = {},
): Promise<Page<z.output<S>>> {
  const page = await queryRaw(db, query, options);
  return {
    items: page.items.flatMap((raw) => {
      const item = type.parseOrSkip(raw, db.logger);
      return item === undefined ? [] : [item];
    }),
    ...(page.lastKey && { lastKey: page.lastKey }),
  };
}

/** Every page of a Query (reports, jobs, the scheduler), or at most `maxPages` of them. */
export async function* queryPages<S extends ItemSchema, K>(
  db: Db,
  type: ItemType<S, K>,
  query: KeyQuery,
  options: PageOptions & { readonly maxPages?: number } = {},
): AsyncGenerator<z.output<S>[]> {
  let startKey = options.startKey;
  let pages = 0;
  do {
    const page = await queryPage(db, type, query, { ...options, startKey });
    yield page.items;
    startKey = page.lastKey;
  } while (startKey && ++pages < (options.maxPages ?? Number.POSITIVE_INFINITY));
}

/**
 * A Query whose items are of several types (a report's head and pages share a range): the caller
 * parses each raw item with its own declaration.
 */
export async function queryRaw(db: Db, query: KeyQuery, options: PageOptions = {}): Promise<Page<RawItem>> {
  const { partitionName, sortName } = keyNames(query.index);
  if (options.startKey) checkStartKey(query, options.startKey);
  const sort = query.sort;
  const sortExpression = !sort
    ? ""
    : "beginsWith" in sort
      ? " AND begins_with(#qsk, :qsk)"
      : "between" in sort
        ? " AND #qsk BETWEEN :qsk AND :qsk2"
        : " AND #qsk <= :qsk";
  const sortValues = !sort
    ? {}
    : "beginsWith" in sort
      ? { ":qsk": sort.beginsWith }
      : "between" in sort
        ? { ":qsk": sort.between[0], ":qsk2": sort.between[1] }
        : { ":qsk": sort.atMost };
  const result = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: query.index,
      KeyConditionExpression: `#qpk = :qpk${sortExpression}`,
      FilterExpression: options.filter?.expression,
      ExpressionAttributeNames: {
        "#qpk": partitionName,
        ...(sort && { "#qsk": sortName }),
        ...options.filter?.names,
      },
      ExpressionAttributeValues: { ":qpk": query.partition, ...sortValues, ...options.filter?.values },
      ScanIndexForward: options.newestFirst ? false : undefined,
      ConsistentRead: options.consistent,
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    }),
  );
  return {
    items: result.Items ?? [],
    ...(result.LastEvaluatedKey && { lastKey: result.LastEvaluatedKey as StoredKey }),
  };
}

function keyNames(index: IndexName | undefined) {
  const declared = index ? table.indexes.find((i) => i.name === index)! : table;
  return { partitionName: declared.partitionKey.name, sortName: declared.sortKey.name };
}

const attributeTypes = new Map<string, "S" | "N">([
  [table.partitionKey.name, table.partitionKey.type],
  [table.sortKey.name, table.sortKey.type],
  ...table.indexes.flatMap((i) => [
    [i.partitionKey.name, i.partitionKey.type] as const,
    [i.sortKey.name, i.sortKey.type] as const,
  ]),
]);

const maxKeyLength = 2048;

/**
 * A start key must be one this very query could have returned: exactly the table's and the
 * index's key attributes, of their declared types, in the partition queried and inside its sort
 * range. Anything else is the caller's mistake (a 400), never a DynamoDB ValidationException.
 */
export function checkStartKey(query: KeyQuery, key: StoredKey): void {
  const { partitionName, sortName } = keyNames(query.index);
  const expected = new Set<string>([table.partitionKey.name, table.sortKey.name, partitionName, sortName]);
  const names = Object.keys(key);
  const sortValue = key[sortName];
  const sort = query.sort;
  const inRange =
    !sort ||
    (typeof sortValue === "string" &&
      ("beginsWith" in sort
        ? sortValue.startsWith(sort.beginsWith)
        : "between" in sort
          ? sortValue >= sort.between[0] && sortValue <= sort.between[1]
          : sortValue <= sort.atMost));
  const valid =
    names.length === expected.size &&
    names.every((name) => {
      const value = key[name];
      const type = attributeTypes.get(name);
      if (!expected.has(name)) return false;
      if (type === "N") return typeof value === "number" && Number.isFinite(value);
      return typeof value === "string" && value.length > 0 && value.length <= maxKeyLength;
    }) &&
    key[partitionName] === query.partition &&
    inRange;
  if (!valid) {
    throw new ValidationError("The cursor is not valid.", [
      { path: "cursor", message: "not a cursor from this list; start again from the first page" },
    ]);
  }
}
