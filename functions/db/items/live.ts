import { liveSnapshotSchema } from "../../domain/live.js";
import { defineItem, type ItemValue } from "../item.js";
import { conversationPartition } from "./conversations.js";

/**
 * The live view's snapshot (domain/live.ts), one item per conversation: the scheduler rewrites
 * it at each release round while sharing and each quarter hour while rating.
 */
export const liveSnapshotItem = defineItem({
  name: "live snapshot",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: "LIVE",
  }),
  schema: liveSnapshotSchema,
});
export type StoredLiveSnapshot = ItemValue<typeof liveSnapshotItem>;
