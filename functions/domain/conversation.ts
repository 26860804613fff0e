import * as z from "zod";
import { attributeNameSchema, instantSchema, plainRecord } from "./bounds.js";
import { conversationStates } from "./lifecycle.js";
import { conversationText, settingLimits } from "./limits.js";
import { templateIds } from "./templates.js";

/** DESIGN §3.4: the floors of the anonymity thresholds (limits.ts says what k and k_text count). */
export const minimumAnonymityThreshold = settingLimits.anonymityThreshold.min;
export const minimumTextAnonymityThreshold = settingLimits.textAnonymityThreshold.min;

const thresholdFields = (stored: boolean) => {
  // Settings stored before the floors existed read as the floor; a request below it is refused.
  const floor = (min: number, max: number, what: string) =>
    stored
      ? z
          .int()
          .max(max)
          .transform((v) => Math.max(v, min))
      : z.int().min(min, `can't be below ${min}: ${what} could single people out`).max(max);
  return {
    /** k: fewest people behind any number shown for a group. */
    anonymityThreshold: floor(
      minimumAnonymityThreshold,
      settingLimits.anonymityThreshold.max,
      "smaller groups",
    ).default(settingLimits.anonymityThreshold.default),
    /** k_text: fewest people behind free text, themes and quotes shown for a group. */
    textAnonymityThreshold: floor(
      minimumTextAnonymityThreshold,
      settingLimits.textAnonymityThreshold.max,
      "quotes and themes for smaller groups",
    ).default(settingLimits.textAnonymityThreshold.default),
  };
};

const bounded = ({ min, max, default: fallback }: { min: number; max: number; default: number }) =>
  z.int().min(min).max(max).default(fallback);

const settingsShape = (stored: boolean) => ({
  thoughtMaxLength: bounded(settingLimits.thoughtMaxLength),
  maxThoughtsPerPerson: bounded(settingLimits.maxThoughtsPerPerson),
  ratingTarget: bounded(settingLimits.ratingTarget),
  batchSize: bounded(settingLimits.batchSize),
  ...thresholdFields(stored),
  moderation: z.enum(["post", "pre"]).default("post"),
});

/** DESIGN §1 settings, with the defaults a new conversation gets: what a request may send. */
export const settingsSchema = z.object(settingsShape(false));
export type Settings = z.infer<typeof settingsSchema>;
/** The same settings as read from the table: thresholds below the floors read as the floors. */
export const storedSettingsSchema = z.object(settingsShape(true));

/** The k a report applies to numbers: the setting, never below the floor. */
export const numberThreshold = (s: { anonymityThreshold: number }) =>
  Math.max(minimumAnonymityThreshold, s.anonymityThreshold);
/** The k a report applies to text: the text setting, never below the floor nor below k. */
export const textThreshold = (s: { anonymityThreshold: number; textAnonymityThreshold?: number }) =>
  Math.max(minimumTextAnonymityThreshold, numberThreshold(s), s.textAnonymityThreshold ?? 0);

/** Audiences name at most this many attributes: more would describe a handful of people anyway. */
const maxAudienceAttributes = 20;

export const audienceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }),
  z.object({
    kind: z.literal("segments"),
    /** Everyone whose attributes match: any listed value of each listed attribute. */
    segments: plainRecord(attributeNameSchema, z.array(z.string().min(1).max(100)).min(1).max(100)).refine(
      (segments) => Object.keys(segments).length <= maxAudienceAttributes,
      `at most ${maxAudienceAttributes} attributes`,
    ),
  }),
]);
export type Audience = z.infer<typeof audienceSchema>;

export const scheduleSchema = z
  .object({
    sharingAt: instantSchema,
    ratingAt: instantSchema,
    closingAt: instantSchema,
    publishingAt: instantSchema.optional(),
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

const { title: titleLimit, prompt: promptLimit, context: contextLimit } = conversationText;
const title = z
  .string()
  .trim()
  .min(titleLimit.min, `a title needs at least ${titleLimit.min} characters`)
  .max(titleLimit.max);
const prompt = z
  .string()
  .trim()
  .min(promptLimit.min, `a question needs at least ${promptLimit.min} characters`)
  .max(promptLimit.max);
const context = z.string().max(contextLimit.max);

export const createConversationSchema = z.object({
  template: z.enum(templateIds),
  title: title.optional(),
  prompt: prompt.optional(),
  context: context.optional(),
  audience: audienceSchema.optional(),
  schedule: scheduleSchema.optional(),
  settings: settingsSchema.partial().optional(),
  cycleId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "not a valid id")
    .optional(),
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
  /** While sharing: when the release round these counts were taken at was cut (release-rounds.ts). */
  releasedAt: z.string().optional(),
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
  settings: storedSettingsSchema,
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
    // Own attributes only: a name like `constructor` must not find Object's own property.
    const value = Object.hasOwn(attributes, name) ? attributes[name] : undefined;
    return value !== undefined && values.includes(value);
  });
}
