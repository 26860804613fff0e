import * as z from "zod";
import { defineItem, type ItemValue } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";

export const flagReasons = ["names-someone", "contact-details", "offensive", "off-topic", "other"] as const;
export type FlagReason = (typeof flagReasons)[number];
/** `redact`: the moderator removed a name or detail and kept the idea (the original is not kept). */
export const moderationActions = ["hide", "restore", "keep", "redact"] as const;
export type ModerationAction = (typeof moderationActions)[number];

const reviewPrefix = "REVIEW#";
const logPrefix = "MODLOG#";

/**
 * A moderation-queue entry: it exists while a thought waits for a moderator (or stays hidden).
 * A thought held at sharing starts `held`: moderators see it only from the next release round on
 * (rounds.ts), so the queue does not tell when it arrived.
 */
export const reviewItem = defineItem({
  name: "review entry",
  key: ({ conversationId, thoughtId }: { conversationId: string; thoughtId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: `${reviewPrefix}${thoughtId}`,
  }),
  schema: z.object({
    thoughtId: z.string().min(1),
    /** Hold reasons and flag reasons (domain/moderation.ts), as they came; a reason may repeat. */
    reasons: z.array(z.string()).default([]),
    flags: z.int().min(0).default(0),
    /** Absent on entries written before release rounds reached the queue: they are open. */
    state: z.enum(["held", "open", "hidden"]).default("open"),
  }),
});
export type ReviewEntry = ItemValue<typeof reviewItem>;

export const reviewsOf = (conversationId: string): KeyQuery => ({
  partition: conversationPartition(conversationId),
  sort: { beginsWith: reviewPrefix },
});

/** One flag per person per thought, keyed by the flagger's pseudonym (never the person). */
export const flagItem = defineItem({
  name: "flag",
  key: ({
    conversationId,
    thoughtId,
    flaggerKey,
  }: {
    conversationId: string;
    thoughtId: string;
    flaggerKey: string;
  }) => ({
    pk: conversationPartition(conversationId),
    sk: `FLAG#${thoughtId}#${flaggerKey}`,
  }),
  schema: z.object({ reason: z.enum(flagReasons) }),
});

/** A moderator's decision: a per-conversation pseudonym and role, accountable but not identifying. */
export const moderationLogItem = defineItem({
  name: "moderation log entry",
  key: ({ conversationId, at, id }: { conversationId: string; at: string; id: string }) => ({
    pk: conversationPartition(conversationId),
    sk: `${logPrefix}${at}#${id}`,
  }),
  schema: z.object({
    at: z.string().min(1),
    thoughtId: z.string().min(1),
    action: z.enum(moderationActions),
    moderatorKey: z.string().min(1),
    role: z.string().min(1),
  }),
});
export type ModerationLogEntry = ItemValue<typeof moderationLogItem>;

export const moderationLogOf = (conversationId: string): KeyQuery => ({
  partition: conversationPartition(conversationId),
  sort: { beginsWith: logPrefix },
});

/** gsi1's partition of the open counts. */
export const waitingPartition = "MODWAITING";

/**
 * How many queue entries of a conversation are open (what a moderator can decide now): the
 * navigation's count. Changed by ADD in the same transaction as every change of an entry's
 * state (a flag opening one, a round opening held ones, a decision closing one), so it is exact
 * without reading the queue. Indexed in gsi1 under one partition while it may be above zero: the
 * navigation reads one Query for every conversation, however many there are; an entry that falls
 * to zero leaves the index (ModerationRepository.leaveIndexAtZero).
 */
export const waitingCountItem = defineItem({
  name: "moderation count",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: "MODCOUNT",
  }),
  indexes: (c) => ({ gsi1pk: waitingPartition, gsi1sk: c.conversationId }),
  schema: z.object({ conversationId: z.string().min(1), open: z.int().default(0) }),
});

/** Conversations whose queue may hold open entries (gsi1). */
export const conversationsWaiting: KeyQuery = { index: "gsi1", partition: waitingPartition };

/** The transaction item that moves a conversation's open count by `delta` (and keeps it indexed). */
export function waitingCountChange(tableName: string, conversationId: string, delta: number) {
  return {
    Update: {
      TableName: tableName,
      Key: waitingCountItem.key({ conversationId }),
      UpdateExpression: "SET conversationId = :id, gsi1pk = :index, gsi1sk = :id ADD #open :delta",
      ExpressionAttributeNames: { "#open": "open" },
      ExpressionAttributeValues: { ":id": conversationId, ":index": waitingPartition, ":delta": delta },
    },
  };
}
