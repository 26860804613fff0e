import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Logger } from "../lib/logger.js";

export interface DynamoOptions {
  readonly endpoint?: string;
  readonly region: string;
}

/** What every repository needs: the injected client and the table it works on. */
export interface Db {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Where list reads report a stored item they had to leave out (db/item.ts); stdout when absent. */
  readonly logger?: Logger;
}

/** One document client per process; undefined values are dropped so optional fields stay optional. */
export function createDocumentClient(options: DynamoOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          // DynamoDB Local accepts any credentials; these keep the SDK from searching for real ones.
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
    maxAttempts: 3,
  });
  // The SDK's logger step copies every input and output through a redaction filter after every
  // call, even with its default no-op logger: ~2% of the API's CPU under load (bench:load). We
  // log requests ourselves and never pass the SDK a logger.
  client.middlewareStack.remove("loggerMiddleware");
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
