/**
 * The single declaration of the Groundswell table: its keys and indexes. The CDK stack, the
 * embedded default's bootstrap and the integration tests all build the table from this object,
 * so the three can never drift apart.
 */
export type KeyType = "S" | "N";

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDeclaration {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** Attributes copied into the index besides the keys; "ALL" copies the whole item. */
  readonly projection: "ALL" | "KEYS_ONLY" | readonly string[];
}

export interface TableDeclaration {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly timeToLiveAttribute: string;
  readonly indexes: readonly IndexDeclaration[];
}

export const table = {
  partitionKey: { name: "pk", type: "S" },
  sortKey: { name: "sk", type: "S" },
  timeToLiveAttribute: "expiresAt",
  indexes: [
    {
      // Overloaded lookup index: conversations by creation, people by email, thoughts by authorKey.
      name: "gsi1",
      partitionKey: { name: "gsi1pk", type: "S" },
      sortKey: { name: "gsi1sk", type: "S" },
      projection: "ALL",
    },
    {
      // Rating distributor: a conversation's visible thoughts ordered by exposure
      // (ratings + open assignments). Sparse: hidden thoughts drop their expPk and leave it.
      name: "byExposure",
      partitionKey: { name: "expPk", type: "S" },
      sortKey: { name: "exposure", type: "N" },
      projection: ["authorKey", "ratingCount"],
    },
    {
      // Scheduler: conversations with a pending timed transition, ordered by when it is due.
      name: "byDueAt",
      partitionKey: { name: "duePk", type: "S" },
      sortKey: { name: "dueAt", type: "S" },
      projection: "KEYS_ONLY",
    },
  ],
} as const satisfies TableDeclaration;

export type IndexName = (typeof table.indexes)[number]["name"];
