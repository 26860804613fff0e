import * as z from "zod";
import { daySchema } from "../../domain/bounds.js";
import { defineItem, type ItemValue } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";
import { attributeSnapshotSchema } from "./thoughts.js";

const participationPrefix = "PART#";
const count = z.int().min(0);

/**
 * DESIGN §3.2: who took part and how much, kept apart from content. Keyed by the participant's
 * pseudonym (HMAC of conversation and person, author-key.ts), never the person: counts beside a
 * userId would tell an operator who shared, and joined with the thoughts' snapshots, who wrote
 * what (issue 9, attack 4). It holds counts and the generalised snapshot, never a thought id.
 */
export const participationItem = defineItem({
  name: "participation",
  key: ({ conversationId, participantKey }: { conversationId: string; participantKey: string }) => ({
    pk: conversationPartition(conversationId),
    sk: `${participationPrefix}${participantKey}`,
  }),
  fromKey: ({ sk }) =>
    sk.startsWith(participationPrefix) ? { participantKey: sk.slice(participationPrefix.length) } : {},
  schema: z.object({
    participantKey: z.string().min(1),
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
