import {
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { cancelledConditions, isConditionFailure, withConflictRetry } from "../db/errors.js";
import { conversationPartition, counterShards } from "../db/items/conversations.js";
import { reviewItem, waitingCountChange } from "../db/items/moderation.js";
import { isWaitingKey, roundStateItem, roundsOf, roundWaitingItem } from "../db/items/rounds.js";
import { thoughtItem } from "../db/items/thoughts.js";
import { queryRaw, type StoredKey } from "../db/query.js";
import type { Counts } from "../domain/conversation.js";

/**
 * Release rounds (domain/release-rounds.ts, docs/anonymity.md "Release rounds"): the waiting sets
 * and the round state (db/items/rounds.ts).
 */

export interface WaitingThought {
  readonly thoughtId: string;
  readonly shard: number;
}

export interface RoundState {
  readonly waiting: readonly WaitingThought[];
  /** Thoughts held for a moderator, whose queue entries open at the next round. */
  readonly held: readonly WaitingThought[];
  readonly lastBoundary?: number;
  readonly released?: Counts;
}

/** Thoughts released per transaction: each one's update plus at most one DELETE per shard. */
const releaseChunk = 40;

/** A transaction item that puts a thought into the waiting set of the next round. */
export function waitingAdd(tableName: string, conversationId: string, thoughtId: string) {
  return {
    Update: {
      TableName: tableName,
      Key: roundWaitingItem.key({ conversationId, shard: Math.floor(Math.random() * counterShards) }),
      UpdateExpression: "ADD waiting :id",
      ExpressionAttributeValues: { ":id": new Set([thoughtId]) },
    },
  };
}

/** A transaction item that puts a held thought into the next round's held set (the queue's round). */
export function heldAdd(tableName: string, conversationId: string, thoughtId: string) {
  return {
    Update: {
      TableName: tableName,
      Key: roundWaitingItem.key({ conversationId, shard: Math.floor(Math.random() * counterShards) }),
      UpdateExpression: "ADD held :id",
      ExpressionAttributeValues: { ":id": new Set([thoughtId]) },
    },
  };
}

export class RoundRepository {
  constructor(
    private readonly db: Db,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * One Query of counterShards + 1 items (more pages only past 1 MB of waiting ids). An unreadable
   * item is logged and left out: its thoughts wait until it is repaired (docs/operations.md).
   */
  async state(conversationId: string): Promise<RoundState> {
    const waiting: WaitingThought[] = [];
    const held: WaitingThought[] = [];
    let lastBoundary: number | undefined;
    let released: Counts | undefined;
    let startKey: StoredKey | undefined;
    do {
      const page = await queryRaw(this.db, roundsOf(conversationId), { startKey });
      for (const raw of page.items) {
        if (typeof raw.sk === "string" && isWaitingKey(raw.sk)) {
          const set = roundWaitingItem.parseOrSkip(raw, this.db.logger);
          if (set) {
            for (const thoughtId of set.waiting) waiting.push({ thoughtId, shard: set.shard });
            for (const thoughtId of set.held) held.push({ thoughtId, shard: set.shard });
          }
        } else {
          const state = roundStateItem.parseOrSkip(raw, this.db.logger);
          lastBoundary = state?.lastBoundary;
          released = state?.released;
        }
      }
      startKey = page.lastKey;
    } while (startKey);
    return { waiting, held, lastBoundary, released };
  }

  /**
   * The counts taken at the last round (undefined before the first). One GetItem; an unreadable
   * state is logged and reads as none (the view falls back to zeros).
   */
  async releasedCounts(conversationId: string): Promise<Counts | undefined> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: roundStateItem.key({ conversationId }) }),
    );
    return Item && roundStateItem.parseOrSkip(Item, this.db.logger)?.released;
  }

  /**
   * Records that the scheduler decided `boundary`; false when another run decided it (or a later
   * one) first, so concurrent or repeated scheduler runs cut a round once.
   */
  async claim(conversationId: string, boundary: number): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: roundStateItem.key({ conversationId }),
          UpdateExpression: "SET lastBoundary = :b",
          ConditionExpression: "attribute_not_exists(lastBoundary) OR lastBoundary < :b",
          ExpressionAttributeValues: { ":b": boundary },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The counts shown while sharing until the next round. */
  async saveCounts(conversationId: string, counts: Counts): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: roundStateItem.key({ conversationId }),
        UpdateExpression: "SET released = :counts",
        ExpressionAttributeValues: { ":counts": counts },
      }),
    );
  }

  /**
   * Puts waiting thoughts into the rating pool, in a shuffled order and in chunks: each chunk sets
   * the thoughts' exposure key and takes them out of the waiting sets in one transaction. A thought
   * hidden (or pooled by a concurrent round) since the waiting set was read fails its condition;
   * that chunk is then done one thought at a time and such a thought only leaves the set.
   * Returns how many thoughts joined the pool.
   */
  async release(conversationId: string, waiting: readonly WaitingThought[]): Promise<number> {
    return this.releaseSet(conversationId, waiting, "waiting", undefined, (id) =>
      this.pool(conversationId, id),
    );
  }

  /**
   * Opens the queue entries of held thoughts to moderators, like `release` (shuffled, in chunks,
   * one at a time when a chunk fails): an entry decided or gone meanwhile only leaves the set.
   * Returns how many entries opened.
   */
  async openHeld(conversationId: string, held: readonly WaitingThought[]): Promise<number> {
    const counted = (opened: number) => waitingCountChange(this.db.tableName, conversationId, opened);
    return this.releaseSet(conversationId, held, "held", counted, (thoughtId) => ({
      Update: {
        TableName: this.db.tableName,
        Key: reviewItem.key({ conversationId, thoughtId }),
        UpdateExpression: "SET #st = :open",
        ConditionExpression: "#st = :held",
        ExpressionAttributeNames: { "#st": "state" },
        ExpressionAttributeValues: { ":open": "open", ":held": "held" },
      },
    }));
  }

  private async releaseSet(
    conversationId: string,
    members: readonly WaitingThought[],
    set: "waiting" | "held",
    /** A transaction item counting what a write released (the open queue count), if anything counts it. */
    counted:
      | ((released: number) => { Update: UpdateCommandInput & { UpdateExpression: string } })
      | undefined,
    update: (thoughtId: string) => { Update: UpdateCommandInput & { UpdateExpression: string } },
  ): Promise<number> {
    const order = shuffle([...members], this.random);
    let released = 0;
    for (let i = 0; i < order.length; i += releaseChunk) {
      const chunk = order.slice(i, i + releaseChunk);
      try {
        await withConflictRetry(() =>
          this.db.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                ...uniqueIds(chunk).map(update),
                ...this.leaveSet(conversationId, chunk, set),
                ...(counted ? [counted(uniqueIds(chunk).length)] : []),
              ],
            }),
          ),
        );
        released += uniqueIds(chunk).length;
      } catch (error) {
        if (!cancelledConditions(error)) throw error;
        for (const id of uniqueIds(chunk)) {
          try {
            if (counted)
              await withConflictRetry(() =>
                this.db.doc.send(new TransactWriteCommand({ TransactItems: [update(id), counted(1)] })),
              );
            else await this.db.doc.send(new UpdateCommand(update(id).Update));
            released++;
          } catch (single) {
            if (!isConditionFailure(single) && !cancelledConditions(single)) throw single;
          }
        }
        await withConflictRetry(() =>
          this.db.doc.send(
            new TransactWriteCommand({ TransactItems: this.leaveSet(conversationId, chunk, set) }),
          ),
        );
      }
    }
    return released;
  }

  private pool(conversationId: string, thoughtId: string) {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: thoughtItem.key({ conversationId, id: thoughtId }),
        UpdateExpression: "SET expPk = :exp, pooled = :yes",
        ConditionExpression: "#st = :visible AND pooled = :no",
        ExpressionAttributeNames: { "#st": "status" },
        ExpressionAttributeValues: {
          ":exp": conversationPartition(conversationId),
          ":yes": true,
          ":no": false,
          ":visible": "visible",
        },
      },
    };
  }

  private leaveSet(conversationId: string, chunk: readonly WaitingThought[], set: "waiting" | "held") {
    const byShard = new Map<number, Set<string>>();
    for (const { thoughtId, shard } of chunk)
      byShard.set(shard, (byShard.get(shard) ?? new Set()).add(thoughtId));
    return [...byShard].map(([shard, ids]) => ({
      Update: {
        TableName: this.db.tableName,
        Key: roundWaitingItem.key({ conversationId, shard }),
        UpdateExpression: `DELETE ${set} :ids`,
        ExpressionAttributeValues: { ":ids": ids },
      },
    }));
  }
}

const uniqueIds = (chunk: readonly WaitingThought[]) => [...new Set(chunk.map((w) => w.thoughtId))];

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
