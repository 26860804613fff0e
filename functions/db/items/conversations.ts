import * as z from "zod";
import { conversationSchema } from "../../domain/conversation.js";
import { defineItem, type ItemValue } from "../item.js";
import type { KeyQuery } from "../query.js";

/** Every item of one conversation shares its partition: thoughts, participation, counters, due… */
export const conversationPartition = (conversationId: string) => `CONV#${conversationId}`;

const count = z.int().min(0);

export const conversationItem = defineItem({
  name: "conversation",
  key: ({ id }: { id: string }) => ({ pk: conversationPartition(id), sk: "META" }),
  indexes: (c) => ({ gsi1pk: "CONVS", gsi1sk: `${c.createdAt}#${c.id}` }),
  // What the storage keeps beside the conversation: audience size and report/job pointers.
  schema: conversationSchema.extend({
    invited: count.default(0),
    reportVersion: z.int().min(1).optional(),
    approvedReportVersion: z.int().min(1).optional(),
    activeJobId: z.string().optional(),
    lastJobId: z.string().optional(),
  }),
});
export type StoredConversation = ItemValue<typeof conversationItem>;

/** Conversations newest first (gsi1). */
export const conversationList: KeyQuery = { index: "gsi1", partition: "CONVS" };

/** Counter items are sharded so concurrent writers rarely touch the same item in a transaction. */
export const counterShards = 8;

export const counterFields = ["participants", "thoughts", "ratings", "skips"] as const;
export type CounterField = (typeof counterFields)[number];

export const counterShardItem = defineItem({
  name: "counter shard",
  key: ({ conversationId, shard }: { conversationId: string; shard: number }) => ({
    pk: conversationPartition(conversationId),
    sk: `COUNT#${shard}`,
  }),
  // Written only by ADD, so a shard holds the fields it was ever given; missing ones are 0.
  schema: z.object({
    participants: z.int().default(0),
    thoughts: z.int().default(0),
    ratings: z.int().default(0),
    skips: z.int().default(0),
  }),
});

export const counterShardsOf = (conversationId: string): KeyQuery => ({
  partition: conversationPartition(conversationId),
  sort: { beginsWith: "COUNT#" },
});
