import * as z from "zod";
import { defineItem } from "../item.js";
import { conversationPartition } from "./conversations.js";

/**
 * A conversation's generalised snapshot cells (domain/snapshot-cells.ts), decided once from its
 * audience when the first person joins and kept beside the conversation so every later join
 * recodes the same way.
 */
export const snapshotCellsItem = defineItem({
  name: "snapshot cells",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: "SNAPSHOT-CELLS",
  }),
  schema: z.object({
    k: z.int().min(1),
    audience: z.int().min(0),
    nodes: z
      .array(
        z.object({
          size: z.int().min(0),
          attribute: z.string().optional(),
          children: z.array(z.object({ value: z.string(), node: z.int().min(1) })).optional(),
          rest: z.int().min(1).optional(),
        }),
      )
      .min(1),
  }),
});
