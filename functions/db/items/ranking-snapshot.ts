import * as z from "zod";
import { defineItem } from "../item.js";
import { conversationPartition } from "./conversations.js";

const starCount = z.int().min(0);

/**
 * The contender snapshot (domain/contender-snapshot.ts), one item per conversation, rewritten by
 * every scheduler run. Contenders are stored with short names: up to 150 of them in one item.
 */
export const rankingSnapshotItem = defineItem({
  name: "ranking snapshot",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: "RANKING-SNAPSHOT",
  }),
  schema: z.object({
    computedAt: z.string(),
    prior: z.object({ mean: z.number(), variance: z.number(), strength: z.number() }),
    thoughts: z.int().min(0),
    minRatings: z.number(),
    meanRatings: z.number(),
    meanExposure: z.number(),
    contenders: z
      .array(
        z.object({
          id: z.string().min(1),
          /** Author key. */
          a: z.string().min(1),
          /** Exposure. */
          e: z.number(),
          /** Histogram of 1–5 stars. */
          h: z.tuple([starCount, starCount, starCount, starCount, starCount]),
        }),
      )
      .default([]),
  }),
});
