import * as z from "zod";
import { instantSchema } from "../../domain/bounds.js";
import { type DueEvent, noticeEventNames, scheduleEventNames } from "../../scheduler/due.js";
import { defineItem, type ItemValue } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";

const conversationPrefix = conversationPartition("");
const duePrefix = "DUE#";
/** Timed transitions and reminders (T) and queued notices (N). */
const kindOf = (event: DueEvent) => ((noticeEventNames as readonly string[]).includes(event) ? "N" : "T");

/**
 * Scheduler work beside its conversation, and in the sparse byDueAt index so one Query finds
 * what is due. The index holds keys only: conversation and event are read back from the key.
 */
export const dueItem = defineItem({
  name: "due item",
  key: ({ conversationId, event }: { conversationId: string; event: DueEvent }) => ({
    pk: conversationPartition(conversationId),
    sk: `${duePrefix}${kindOf(event)}#${event}`,
  }),
  indexes: () => ({ duePk: "DUE" }),
  fromKey: ({ pk, sk }) => ({
    ...(pk.startsWith(conversationPrefix) && { conversationId: pk.slice(conversationPrefix.length) }),
    ...(sk.startsWith(duePrefix) && { event: sk.split("#")[2] }),
  }),
  schema: z.object({
    conversationId: z.string().min(1),
    event: z.enum([...scheduleEventNames, ...noticeEventNames]),
    dueAt: instantSchema,
    claimedBy: z.string().optional(),
    claimedAt: z.string().optional(),
  }),
});
export type DueItem = ItemValue<typeof dueItem>;

/** Everything due by `now`, oldest first (byDueAt). */
export const dueBy = (now: Date): KeyQuery => ({
  index: "byDueAt",
  partition: "DUE",
  sort: { atMost: now.toISOString() },
});

/** A conversation's timed events (notices queued are not among them). */
export const timedEventsOf = (conversationId: string): KeyQuery => ({
  partition: conversationPartition(conversationId),
  sort: { beginsWith: `${duePrefix}T#` },
});

/** A once-only action (a reminder) that was done. */
export const sentItem = defineItem({
  name: "sent marker",
  key: ({ conversationId, action }: { conversationId: string; action: string }) => ({
    pk: conversationPartition(conversationId),
    sk: `SENT#${action}`,
  }),
  schema: z.object({ at: z.string().min(1) }),
});
