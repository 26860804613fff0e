import * as z from "zod";
import { daySchema } from "../../domain/bounds.js";
import { defineItem, type ItemValue } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";
import { attributeSnapshotSchema } from "./thoughts.js";

/**
 * `withdrawn`: the thought was hidden by a moderator after it was assigned. `expired`: it stayed
 * open longer than the open-assignment lifetime and stopped counting as exposure (expireOpen).
 */
export const assignmentStatuses = ["assigned", "rated", "skipped", "withdrawn", "expired"] as const;
export type AssignmentStatus = (typeof assignmentStatuses)[number];

const raterPartition = (conversationId: string, raterKey: string) => `RATER#${conversationId}#${raterKey}`;

/**
 * A thought given to a rater, and what they made of it. The rater's assignments share a
 * partition keyed by their pseudonym (never the person); gsi1 lists a conversation's ratings for
 * the report job.
 */
export const assignmentItem = defineItem({
  name: "assignment",
  key: ({
    conversationId,
    raterKey,
    thoughtId,
  }: {
    conversationId: string;
    raterKey: string;
    thoughtId: string;
  }) => ({
    pk: raterPartition(conversationId, raterKey),
    sk: `T#${thoughtId}`,
  }),
  indexes: (a) => ({ gsi1pk: `RATINGS#${a.conversationId}`, gsi1sk: `${a.thoughtId}#${a.raterKey}` }),
  schema: z
    .object({
      thoughtId: z.string().min(1),
      raterKey: z.string().min(1),
      /** The rater's attribute snapshot: segments of the report are built from it (DESIGN §3.3). */
      attributes: attributeSnapshotSchema.default({}),
      status: z.enum(assignmentStatuses),
      stars: z.int().min(1).max(5).optional(),
      assignedDay: daySchema,
      /**
       * While open: the id of the assignment window it was given in (assignmentWindowItem), which
       * is what the open-assignment lifetime is measured from. An opaque id, not a time; removed
       * when the assignment is rated, skipped, withdrawn or expires (docs/anonymity.md,
       * "Open assignments and time").
       */
      openWindow: z.string().min(1).optional(),
      /**
       * Read only: assignments given before windows existed kept the instant they were given
       * (expireOpen still expires them by it). Never written again.
       */
      assignedAt: z.string().optional(),
      ratedDay: daySchema.optional(),
    })
    .refine((a) => a.status !== "rated" || a.stars !== undefined, {
      message: "a rated assignment has stars",
      path: ["stars"],
    }),
});
export type StoredAssignment = ItemValue<typeof assignmentItem>;

/** Everything one rater was given in a conversation. */
export const assignmentsOf = (conversationId: string, raterKey: string): KeyQuery => ({
  partition: raterPartition(conversationId, raterKey),
});

/** Every assignment of a conversation (gsi1), for the report job. */
export const ratingsOf = (conversationId: string): KeyQuery => ({
  index: "gsi1",
  partition: `RATINGS#${conversationId}`,
});

/**
 * Where the scheduler's sweep of expired open assignments stopped (ratings.ts expireOpen), and the
 * windows the pass under way expires (fixed when the pass starts, deleted when it ends).
 */
export const assignmentSweepItem = defineItem({
  name: "assignment sweep",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: "ASSIGNMENT-SWEEP",
  }),
  schema: z.object({
    cursor: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    windows: z.array(z.string().min(1)).max(100).default([]),
  }),
});

const windowPrefix = "ASSIGNMENT-WINDOW#";

/**
 * An assignment window: a random id and the quarter hour it covers. Every assignment given in
 * that quarter hour carries the id while it is open. The window holds no thought id and no rater
 * key; it is deleted once the sweep has expired what was still open in it.
 */
export const assignmentWindowItem = defineItem({
  name: "assignment window",
  key: ({ conversationId, id }: { conversationId: string; id: string }) => ({
    pk: conversationPartition(conversationId),
    sk: `${windowPrefix}${id}`,
  }),
  fromKey: ({ sk }) => (sk.startsWith(windowPrefix) ? { id: sk.slice(windowPrefix.length) } : {}),
  schema: z.object({
    id: z.string().min(1),
    /** The start of the quarter hour (epoch ms, a multiple of 15 minutes). */
    startsAt: z.int().min(0),
  }),
});
export type AssignmentWindow = ItemValue<typeof assignmentWindowItem>;

/** A conversation's assignment windows (a handful: those not yet swept). */
export const assignmentWindowsOf = (conversationId: string): KeyQuery => ({
  partition: conversationPartition(conversationId),
  sort: { beginsWith: windowPrefix },
});
