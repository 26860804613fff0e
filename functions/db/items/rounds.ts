import * as z from "zod";
import { countsSchema } from "../../domain/conversation.js";
import { defineItem } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";

/**
 * Release rounds (domain/release-rounds.ts, docs/anonymity.md "Release rounds"), both in the
 * conversation's partition under `ROUND#`.
 */
const roundPrefix = "ROUND#";
const waitingPrefix = `${roundPrefix}W#`;

/**
 * `ROUND#W#<shard>`: a string set of the thought ids shared (or kept by a moderator) since the
 * last round, sharded like the counters. No time is stored with the ids and a set has no order:
 * nothing tells when one was added. The set attribute disappears when its last id is deleted.
 * `held` is the same for thoughts screening or pre-moderation holds: they reach the moderation
 * queue, not the pool, at the round.
 */
export const roundWaitingItem = defineItem({
  name: "round waiting set",
  key: ({ conversationId, shard }: { conversationId: string; shard: number }) => ({
    pk: conversationPartition(conversationId),
    sk: `${waitingPrefix}${shard}`,
  }),
  fromKey: ({ sk }) =>
    sk.startsWith(waitingPrefix) ? { shard: Number(sk.slice(waitingPrefix.length)) } : {},
  schema: z.object({
    shard: z.int().min(0),
    waiting: z.set(z.string().min(1)).default(new Set()),
    /** Thoughts held for a moderator: their queue entries open at the next round. */
    held: z.set(z.string().min(1)).default(new Set()),
  }),
});

/**
 * `ROUND#STATE`: the last quarter hour the scheduler decided (`lastBoundary`, the same for every
 * conversation) and the counts taken at the last round (`released`), shown while sharing.
 */
export const roundStateItem = defineItem({
  name: "round state",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: `${roundPrefix}STATE`,
  }),
  schema: z.object({
    lastBoundary: z.number().optional(),
    released: countsSchema.optional(),
  }),
});

/** The waiting sets and the state of one conversation's rounds. */
export const roundsOf = (conversationId: string): KeyQuery => ({
  partition: conversationPartition(conversationId),
  sort: { beginsWith: roundPrefix },
});

export const isWaitingKey = (sk: string) => sk.startsWith(waitingPrefix);
