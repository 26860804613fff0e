import * as z from "zod";
import { defineItem, type ItemValue } from "../item.js";

export const jobStates = ["queued", "running", "succeeded", "failed"] as const;
export type JobState = (typeof jobStates)[number];

export const jobSchema = z.object({
  id: z.string().min(1),
  kind: z.literal("theme-run"),
  conversationId: z.string().min(1),
  state: z.enum(jobStates),
  /** 0 to 1. */
  progress: z.number().min(0).max(1),
  message: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  reportVersion: z.int().min(1).optional(),
  error: z.string().optional(),
});

export const jobItem = defineItem({
  name: "job",
  key: ({ id }: { id: string }) => ({ pk: `JOB#${id}`, sk: "JOB" }),
  schema: jobSchema,
});
export type Job = ItemValue<typeof jobItem>;
