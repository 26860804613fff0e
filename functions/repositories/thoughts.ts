import { randomUUID } from "node:crypto";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { cancelledConditions, withConflictRetry } from "../db/errors.js";
import { conversationItem } from "../db/items/conversations.js";
import { reviewItem } from "../db/items/moderation.js";
import { participationItem } from "../db/items/participation.js";
import {
  emptyHistogram,
  type Thought,
  type ThoughtStatus,
  thoughtItem,
  thoughtsBy,
  thoughtsOf,
} from "../db/items/thoughts.js";
import { getItem, queryPage, queryPages } from "../db/query.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { today } from "../lib/day.js";
import { counterIncrement } from "./counters.js";
import { idempotencyPut, replayedResult } from "./idempotency.js";
import { heldAdd, waitingAdd } from "./rounds.js";

export interface NewThought {
  readonly conversationId: string;
  /** The author's pseudonym in participation (author-key.ts): never the person. */
  readonly participantKey: string;
  readonly text: string;
  readonly authorKey: string;
  readonly attributes: Record<string, string>;
  readonly status: ThoughtStatus;
  readonly needsReview: boolean;
  /** Why it waits for a moderator (domain/moderation.ts holdReasons); shown in the queue. */
  readonly reviewReasons: readonly string[];
  readonly maxPerPerson: number;
  readonly idempotency: { readonly recordKey: string; readonly requestHash: string };
}

/** How many of their own thoughts an author's "mine" list reads (the per-person cap is 50). */
const mineLimit = 100;

export class ThoughtRepository {
  constructor(private readonly db: Db) {}

  /**
   * One transaction: the idempotency record, the thought, the author's count (capped), the
   * conversation counter and a check that the conversation still takes thoughts; a visible thought
   * is added to the waiting set of the next release round, never straight to the rating pool, and
   * a held one to the round's held set (its queue entry opens to moderators at that round).
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
      editedByModerator: false,
      pooled: false,
      exposure: 0,
      ratingCount: 0,
      ratingSum: 0,
      skipCount: 0,
      histogram: { ...emptyHistogram },
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
                  Item: thoughtItem.toItem(thought),
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: participationItem.key({
                    conversationId: input.conversationId,
                    participantKey: input.participantKey,
                  }),
                  UpdateExpression: "ADD thoughtCount :one",
                  ConditionExpression: "attribute_exists(pk) AND thoughtCount < :max",
                  ExpressionAttributeValues: { ":one": 1, ":max": input.maxPerPerson },
                },
              },
              counterIncrement(table, input.conversationId, { thoughts: 1 })!,
              {
                ConditionCheck: {
                  TableName: table,
                  Key: conversationItem.key({ id: input.conversationId }),
                  ConditionExpression: "#s = :sharing",
                  ExpressionAttributeNames: { "#s": "state" },
                  ExpressionAttributeValues: { ":sharing": "sharing" },
                },
              },
              // Last, so the positions above stay what the error handling below reads. A held
              // thought's queue entry stays `held` until the next round opens it to moderators.
              ...(visible
                ? [waitingAdd(table, input.conversationId, id)]
                : [
                    heldAdd(table, input.conversationId, id),
                    {
                      Put: {
                        TableName: table,
                        Item: reviewItem.toItem({
                          conversationId: input.conversationId,
                          thoughtId: id,
                          reasons: [...input.reviewReasons],
                          flags: 0,
                          state: "held",
                        }),
                      },
                    },
                  ]),
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
    const thought = await getItem(this.db, thoughtItem, { conversationId, id: thoughtId });
    if (!thought) throw new NotFoundError("No thought has this id.");
    return thought;
  }

  /** Up to 100 thoughts in one call; absent or unreadable ones are missing from the map. */
  async getMany(conversationId: string, ids: readonly string[]): Promise<Map<string, Thought>> {
    const found = await batchGet(
      this.db,
      thoughtItem,
      ids.map((id) => ({ conversationId, id })),
    );
    return new Map(found.flatMap((thought) => (thought ? [[thought.id, thought] as const] : [])));
  }

  /** The author's own thoughts, found through their pseudonymous author key. */
  async mine(authorKey: string): Promise<Thought[]> {
    return (await queryPage(this.db, thoughtItem, thoughtsBy(authorKey), { limit: mineLimit })).items;
  }

  /** Every thought of a conversation, page by page: for reports and jobs, never a request path. */
  all(conversationId: string, options: { readonly consistent?: boolean } = {}): AsyncGenerator<Thought[]> {
    return queryPages(this.db, thoughtItem, thoughtsOf(conversationId), options);
  }
}
