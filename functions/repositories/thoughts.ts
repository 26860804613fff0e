import { randomUUID } from "node:crypto";
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { cancelledConditions, withConflictRetry } from "../db/errors.js";
import { keys, today } from "../db/keys.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { counterIncrement } from "./counters.js";
import type { Db } from "./db.js";
import { idempotencyPut, replayedResult } from "./idempotency.js";
import { waitingAdd } from "./rounds.js";

export type ThoughtStatus = "visible" | "pending" | "hidden";

export interface Thought {
  readonly id: string;
  readonly conversationId: string;
  readonly text: string;
  readonly authorKey: string;
  /** The author's directory attributes as they were when they joined (DESIGN §3.3). */
  readonly attributes: Record<string, string>;
  readonly createdDay: string;
  readonly status: ThoughtStatus;
  readonly needsReview: boolean;
  /**
   * In the rating pool (the byExposure index). A visible thought joins it only at a release round
   * (domain/release-rounds.ts); until then it waits, unpooled.
   */
  readonly pooled: boolean;
  readonly exposure: number;
  readonly ratingCount: number;
  readonly ratingSum: number;
  readonly skipCount: number;
  readonly histogram: Record<"1" | "2" | "3" | "4" | "5", number>;
}

export interface NewThought {
  readonly conversationId: string;
  readonly userId: string;
  readonly text: string;
  readonly authorKey: string;
  readonly attributes: Record<string, string>;
  readonly status: ThoughtStatus;
  readonly needsReview: boolean;
  /** Why screening sent it to a moderator (screen.ts); shown in the moderation queue. */
  readonly reviewReasons: readonly string[];
  readonly maxPerPerson: number;
  readonly idempotency: { readonly recordKey: string; readonly requestHash: string };
}

const emptyHistogram = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 };

export class ThoughtRepository {
  constructor(private readonly db: Db) {}

  /**
   * One transaction: the idempotency record, the thought, the author's count (capped), the
   * conversation counter and a check that the conversation still takes thoughts; a visible thought
   * is added to the waiting set of the next release round, never straight to the rating pool.
   * Either all of it lands or none of it does; a replay with the same key returns the first thought.
   */
  async share(input: NewThought): Promise<{ thought: Thought; replayed: boolean }> {
    const id = randomUUID();
    const visible = input.status === "visible";
    const thought: Thought = {
      id,
      conversationId: input.conversationId,
      text: input.text,
      authorKey: input.authorKey,
      attributes: input.attributes,
      createdDay: today(),
      status: input.status,
      needsReview: input.needsReview,
      pooled: false,
      exposure: 0,
      ratingCount: 0,
      ratingSum: 0,
      skipCount: 0,
      histogram: emptyHistogram,
    };
    const table = this.db.tableName;
    try {
      await withConflictRetry(() =>
        this.db.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              idempotencyPut(table, input.idempotency.recordKey, {
                resultId: id,
                requestHash: input.idempotency.requestHash,
              }),
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.thought(input.conversationId, id),
                    ...keys.byAuthor(input.authorKey, id),
                    ...thought,
                  },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: keys.participation(input.conversationId, input.userId),
                  UpdateExpression: "ADD thoughtCount :one",
                  ConditionExpression: "attribute_exists(pk) AND thoughtCount < :max",
                  ExpressionAttributeValues: { ":one": 1, ":max": input.maxPerPerson },
                },
              },
              counterIncrement(table, input.conversationId, { thoughts: 1 })!,
              {
                ConditionCheck: {
                  TableName: table,
                  Key: keys.conversation(input.conversationId),
                  ConditionExpression: "#s = :sharing",
                  ExpressionAttributeNames: { "#s": "state" },
                  ExpressionAttributeValues: { ":sharing": "sharing" },
                },
              },
              // Last, so the positions above stay what the error handling below reads.
              ...(visible ? [waitingAdd(table, input.conversationId, id)] : []),
              ...(input.needsReview || !visible
                ? [
                    {
                      Put: {
                        TableName: table,
                        Item: reviewItem(input.conversationId, id, [...input.reviewReasons]),
                      },
                    },
                  ]
                : []),
            ],
          }),
        ),
      );
      return { thought, replayed: false };
    } catch (error) {
      const failed = cancelledConditions(error);
      if (!failed) throw error;
      if (failed.includes(0)) {
        const firstId = await replayedResult(
          this.db,
          input.idempotency.recordKey,
          input.idempotency.requestHash,
        );
        return { thought: await this.get(input.conversationId, firstId), replayed: true };
      }
      if (failed.includes(4))
        throw new ConflictError("This conversation is not taking new thoughts any more.");
      if (failed.includes(2)) {
        throw new ConflictError(
          `You have shared the most thoughts this conversation allows (${input.maxPerPerson}).`,
        );
      }
      throw error;
    }
  }

  async get(conversationId: string, thoughtId: string): Promise<Thought> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.thought(conversationId, thoughtId) }),
    );
    if (!Item) throw new NotFoundError("No thought has this id.");
    return toThought(Item);
  }

  /** Up to 100 thoughts in one call (BatchGetItem's limit); unprocessed keys are retried. */
  async getMany(conversationId: string, ids: readonly string[]): Promise<Map<string, Thought>> {
    const found = new Map<string, Thought>();
    let pending: Record<string, unknown>[] = ids.map((id) => keys.thought(conversationId, id));
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
      const result = await this.db.doc.send(
        new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: pending } } }),
      );
      for (const item of result.Responses?.[this.db.tableName] ?? []) {
        const thought = toThought(item);
        found.set(thought.id, thought);
      }
      pending = (result.UnprocessedKeys?.[this.db.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    return found;
  }

  /** The author's own thoughts, found through their pseudonymous author key. */
  async mine(authorKey: string): Promise<Thought[]> {
    const { Items = [] } = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": `AUTHOR#${authorKey}` },
        Limit: 100,
      }),
    );
    return Items.map(toThought);
  }

  /** Every thought of a conversation, page by page: for reports and jobs, never a request path. */
  async *all(conversationId: string): AsyncGenerator<Thought[]> {
    let cursor: Record<string, unknown> | undefined;
    const { pk, skPrefix } = keys.thoughtsOf(conversationId);
    do {
      const page = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": pk, ":prefix": skPrefix },
          ExclusiveStartKey: cursor,
        }),
      );
      yield (page.Items ?? []).map(toThought);
      cursor = page.LastEvaluatedKey;
    } while (cursor);
  }
}

/** A moderation-queue entry: it exists while a thought waits for a moderator's decision. */
export function reviewItem(conversationId: string, thoughtId: string, reasons: string[]) {
  return { ...keys.review(conversationId, thoughtId), thoughtId, reasons, flags: 0 };
}

/** Thoughts stored before release rounds have no `pooled`: they are in the pool when indexed. */
export function isPooled(item: Record<string, unknown>): boolean {
  return (
    item.status === "visible" && (item.pooled === undefined ? item.expPk !== undefined : item.pooled === true)
  );
}

export function toThought(item: Record<string, unknown>): Thought {
  return {
    id: String(item.id),
    conversationId: String(item.conversationId),
    text: String(item.text),
    authorKey: String(item.authorKey),
    attributes: (item.attributes ?? {}) as Record<string, string>,
    createdDay: String(item.createdDay),
    status: item.status as ThoughtStatus,
    needsReview: Boolean(item.needsReview),
    pooled: isPooled(item),
    exposure: Number(item.exposure ?? 0),
    ratingCount: Number(item.ratingCount ?? 0),
    ratingSum: Number(item.ratingSum ?? 0),
    skipCount: Number(item.skipCount ?? 0),
    histogram: { ...emptyHistogram, ...((item.histogram ?? {}) as Thought["histogram"]) },
  };
}
