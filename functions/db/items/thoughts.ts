import * as z from "zod";
import { daySchema } from "../../domain/bounds.js";
import { defineItem, type ItemValue, type PrimaryKey } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";

export const thoughtStatuses = ["visible", "pending", "hidden"] as const;
export type ThoughtStatus = (typeof thoughtStatuses)[number];

const thoughtPrefix = "THOUGHT#";
const thoughtKey = ({ conversationId, id }: { conversationId: string; id: string }): PrimaryKey => ({
  pk: conversationPartition(conversationId),
  sk: `${thoughtPrefix}${id}`,
});

const count = z.int().min(0);
export const emptyHistogram = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 } as const;

/** A directory attribute snapshot (DESIGN §3.3): attribute name to value. */
export const attributeSnapshotSchema = z.record(z.string(), z.string());

const thoughtFields = z.object({
  id: z.string().min(1),
  conversationId: z.string().min(1),
  text: z.string(),
  /** HMAC of conversation and author (DESIGN §3.1): never the author. */
  authorKey: z.string().min(1),
  /** The author's directory attributes as they were when they joined (DESIGN §3.3). */
  attributes: attributeSnapshotSchema.default({}),
  createdDay: daySchema,
  status: z.enum(thoughtStatuses),
  needsReview: z.boolean().default(false),
  /** A moderator removed a name or detail from the text (redact-and-keep); its author is told. */
  editedByModerator: z.boolean().default(false),
  /**
   * In the rating pool (the byExposure index). A visible thought joins it only at a release
   * round (domain/release-rounds.ts); until then it waits, unpooled.
   */
  pooled: z.boolean(),
  /** Ratings plus open assignments: the byExposure index's sort key. */
  exposure: z.int().default(0),
  ratingCount: count.default(0),
  ratingSum: z.int().default(0),
  skipCount: count.default(0),
  histogram: z
    .object({
      "1": count.default(0),
      "2": count.default(0),
      "3": count.default(0),
      "4": count.default(0),
      "5": count.default(0),
    })
    .default(emptyHistogram),
});

/**
 * In the pool only while visible. Thoughts stored before release rounds have no `pooled`: they
 * are in the pool when the byExposure index holds them (they carry `expPk`).
 */
function legacyPooled(
  raw: Omit<z.input<typeof thoughtFields>, "pooled"> & { pooled?: unknown; expPk?: unknown },
) {
  const pooled = raw.pooled === undefined ? raw.expPk !== undefined : raw.pooled === true;
  return { ...raw, pooled: raw.status === "visible" && pooled };
}

export const thoughtItem = defineItem({
  name: "thought",
  key: thoughtKey,
  indexes: (t) => ({
    gsi1pk: `AUTHOR#${t.authorKey}`,
    gsi1sk: `${thoughtPrefix}${t.id}`,
    // Sparse: only pooled thoughts are in the rating distributor's index (release rounds).
    ...(t.pooled && { expPk: conversationPartition(t.conversationId) }),
  }),
  schema: z.preprocess(legacyPooled, thoughtFields),
});
export type Thought = ItemValue<typeof thoughtItem>;

/** A conversation's thoughts, page by page (jobs and the scheduler, never a request path). */
export const thoughtsOf = (conversationId: string): KeyQuery => ({
  partition: conversationPartition(conversationId),
  sort: { beginsWith: thoughtPrefix },
});

/** One author's thoughts, through their pseudonymous author key (gsi1). */
export const thoughtsBy = (authorKey: string): KeyQuery => ({
  index: "gsi1",
  partition: `AUTHOR#${authorKey}`,
});

/**
 * A thought as the byExposure index holds it: its key, exposure and the projected attributes
 * (db/table.ts). The id comes from the key.
 */
export const exposureEntryItem = defineItem({
  name: "thought exposure entry",
  key: thoughtKey,
  fromKey: ({ sk }) => (sk.startsWith(thoughtPrefix) ? { id: sk.slice(thoughtPrefix.length) } : {}),
  schema: z.object({
    id: z.string().min(1),
    exposure: z.int(),
    authorKey: z.string().min(1),
    ratingCount: count.default(0),
  }),
});

/** A conversation's visible thoughts, least exposed first. */
export const exposureOf = (conversationId: string): KeyQuery => ({
  index: "byExposure",
  partition: conversationPartition(conversationId),
});
