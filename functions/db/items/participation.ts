import * as z from "zod";
import { daySchema } from "../../domain/bounds.js";
import { defineItem, type ItemValue } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";
import { attributeSnapshotSchema } from "./thoughts.js";

const participationPrefix = "PART#";
const count = z.int().min(0);

/**
 * DESIGN §3.2: who took part and how much, kept apart from content. It holds counts and the
 * attribute snapshot of §3.3, never a thought id.
 */
export const participationItem = defineItem({
  name: "participation",
  key: ({ conversationId, userId }: { conversationId: string; userId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: `${participationPrefix}${userId}`,
  }),
  schema: z.object({
    userId: z.string().min(1),
    joinedDay: daySchema,
    attributes: attributeSnapshotSchema.default({}),
    thoughtCount: count.default(0),
    ratingCount: count.default(0),
    skipCount: count.default(0),
  }),
});
export type Participation = ItemValue<typeof participationItem>;

export const participantsOf = (conversationId: string): KeyQuery => ({
  partition: conversationPartition(conversationId),
  sort: { beginsWith: participationPrefix },
});
