import * as z from "zod";
import { defineItem, type ItemValue } from "../item.js";
import type { KeyQuery } from "../query.js";

const auditPartition = "AUDIT";

export const auditDetailsSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

/** What admins, facilitators and leaders did. One partition, newest last: such actions are rare. */
export const auditEntryItem = defineItem({
  name: "audit entry",
  key: ({ at, id }: { at: string; id: string }) => ({ pk: auditPartition, sk: `${at}#${id}` }),
  schema: z.object({
    id: z.string().min(1),
    at: z.string().min(1),
    actorId: z.string().min(1),
    actorEmail: z.string().optional(),
    /** What happened, as `area.verb`: `cycle.create`, `settings.update`, `theme.respond`… */
    action: z.string().min(1),
    /** What it happened to, as `kind:id`: `cycle:<id>`, `conversation:<id>`, `settings`. */
    target: z.string().min(1),
    details: auditDetailsSchema.optional(),
    /** Moderation tallies (repositories/audit.ts moderationTally): decisions that day, and the role. */
    decisions: z.int().min(0).optional(),
    role: z.string().optional(),
  }),
});
export type AuditEntry = ItemValue<typeof auditEntryItem>;

export const auditLog: KeyQuery = { partition: auditPartition };
