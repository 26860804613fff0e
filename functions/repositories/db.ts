import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** What every repository needs: the injected client and the table it works on. */
export interface Db {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Strips the storage-only attributes (keys, index keys) from an item before it leaves a repository. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, expPk: _e, duePk: _d, dueAt: _da, ...rest } = item;
  return rest;
}
