import * as z from "zod";
import { settingsSchema, storedSettingsSchema } from "./conversation.js";

/** The conversation settings an admin may set company-wide (DESIGN §1 defaults otherwise). */
const defaultFields = {
  anonymityThreshold: true,
  textAnonymityThreshold: true,
  ratingTarget: true,
  thoughtMaxLength: true,
  moderation: true,
} as const;
export const conversationDefaultsSchema = settingsSchema.pick(defaultFields);
/** Stored defaults below the anonymity floors read as the floors (DESIGN §3.4). */
export const storedDefaultsSchema = storedSettingsSchema.pick(defaultFields);

/** True for IANA names the runtime knows ("Europe/Berlin", "UTC"); offsets like "+01:00" are refused. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The runtime's spelling of a zone ("europe/berlin" becomes "Europe/Berlin"). */
export const canonicalTimeZone = (name: string) =>
  new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;

export const organisationSettingsSchema = z.object({
  organisationName: z.string().trim().min(1).max(120),
  timeZone: z.string().max(64).refine(isTimeZone, "not an IANA time zone, like Europe/Berlin or UTC"),
  defaults: conversationDefaultsSchema,
});
export type OrganisationSettings = z.infer<typeof organisationSettingsSchema>;

/** What a fresh installation starts with, until an admin saves settings. */
export const initialSettings: OrganisationSettings = {
  organisationName: "Your organisation",
  timeZone: "UTC",
  defaults: conversationDefaultsSchema.parse({}),
};
