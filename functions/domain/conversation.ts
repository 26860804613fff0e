import { z } from "zod";
import { conversationStates } from "./lifecycle.js";
import { templateIds } from "./templates.js";

/** DESIGN §1 settings, with the defaults a new conversation gets. */
export const settingsSchema = z.object({
  thoughtMaxLength: z.int().min(50).max(2000).default(600),
  maxThoughtsPerPerson: z.int().min(1).max(50).default(10),
  ratingTarget: z.int().min(1).max(200).default(20),
  batchSize: z.int().min(1).max(25).default(10),
  /** Anonymity threshold for numbers; free text and themes use 2k (DESIGN §3.4). */
  anonymityThreshold: z.int().min(3).max(50).default(5),
  moderation: z.enum(["post", "pre"]).default("post"),
});
export type Settings = z.infer<typeof settingsSchema>;

const attributeName = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,31}$/, "attribute names are short camelCase words, like department");

export const audienceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }),
  z.object({
    kind: z.literal("segments"),
    /** Everyone whose attributes match: any listed value of each listed attribute. */
    segments: z.record(attributeName, z.array(z.string().min(1).max(100)).min(1).max(100)),
  }),
]);
export type Audience = z.infer<typeof audienceSchema>;

export const scheduleSchema = z
  .object({
    sharingAt: z.iso.datetime({ offset: true }),
    ratingAt: z.iso.datetime({ offset: true }),
    closingAt: z.iso.datetime({ offset: true }),
    publishingAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((s) => Date.parse(s.sharingAt) < Date.parse(s.ratingAt), {
    message: "rating must start after sharing starts",
    path: ["ratingAt"],
  })
  .refine((s) => Date.parse(s.ratingAt) < Date.parse(s.closingAt), {
    message: "closing must come after rating starts",
    path: ["closingAt"],
  })
  .refine((s) => !s.publishingAt || Date.parse(s.closingAt) <= Date.parse(s.publishingAt), {
    message: "publishing cannot come before closing",
    path: ["publishingAt"],
  });
export type Schedule = z.infer<typeof scheduleSchema>;

const title = z.string().trim().min(3, "a title needs at least 3 characters").max(120);
const prompt = z.string().trim().min(10, "a question needs at least 10 characters").max(500);
const context = z.string().max(20_000);

export const createConversationSchema = z.object({
  template: z.enum(templateIds),
  title: title.optional(),
  prompt: prompt.optional(),
  context: context.optional(),
  audience: audienceSchema.optional(),
  schedule: scheduleSchema.optional(),
  settings: settingsSchema.partial().optional(),
  cycleId: z.string().min(1).max(64).optional(),
});
export type CreateConversation = z.infer<typeof createConversationSchema>;

export const updateConversationSchema = z
  .object({
    title: title.optional(),
    prompt: prompt.optional(),
    context: context.optional(),
    audience: audienceSchema.optional(),
    schedule: scheduleSchema.nullable().optional(),
    settings: settingsSchema.partial().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "nothing to change" });
export type UpdateConversation = z.infer<typeof updateConversationSchema>;

export const countsSchema = z.object({
  invited: z.int(),
  participants: z.int(),
  thoughts: z.int(),
  ratings: z.int(),
  skips: z.int(),
});
export type Counts = z.infer<typeof countsSchema>;

export const conversationSchema = z.object({
  id: z.string(),
  template: z.enum(templateIds),
  title: z.string(),
  prompt: z.string(),
  context: z.string(),
  state: z.enum(conversationStates),
  audience: audienceSchema,
  schedule: scheduleSchema.nullable(),
  settings: settingsSchema,
  cycleId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  stateChangedAt: z.string(),
  version: z.int(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const transitionSchema = z.object({ to: z.enum(conversationStates) });

export function audienceIncludes(audience: Audience, attributes: Record<string, string>): boolean {
  if (audience.kind === "everyone") return true;
  return Object.entries(audience.segments).every(([name, values]) => {
    const value = attributes[name];
    return value !== undefined && values.includes(value);
  });
}
