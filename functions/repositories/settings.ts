import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { keys } from "../db/keys.js";
import { type Settings, settingsSchema, storedSettingsSchema } from "../domain/conversation.js";
import type { Db } from "./db.js";

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
const storedDefaultsSchema = storedSettingsSchema.pick(defaultFields);

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

/** Organisation-wide settings: one item. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  async get(): Promise<OrganisationSettings & { updatedAt: string | null }> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.organisationSettings() }),
    );
    if (!Item) return { ...initialSettings, updatedAt: null };
    // Parsed with defaults, so settings stored before a field existed still read completely.
    const stored = organisationSettingsSchema
      .extend({ defaults: storedDefaultsSchema })
      .partial()
      .parse(Item);
    return {
      ...initialSettings,
      ...stored,
      defaults: storedDefaultsSchema.parse(stored.defaults ?? {}),
      updatedAt: typeof Item.updatedAt === "string" ? Item.updatedAt : null,
    };
  }

  async put(
    settings: OrganisationSettings,
    now = new Date(),
  ): Promise<OrganisationSettings & { updatedAt: string }> {
    const saved = { ...settings, updatedAt: now.toISOString() };
    await this.db.doc.send(
      new PutCommand({ TableName: this.db.tableName, Item: { ...keys.organisationSettings(), ...saved } }),
    );
    return saved;
  }

  /**
   * A new conversation's settings: the admin's defaults, with what the facilitator chose winning.
   * `given` names the fields the request really sent: a parsed partial schema fills the rest with
   * the product defaults, which must not hide the admin's.
   */
  async forNewConversation(
    chosen: Partial<Settings> = {},
    given: readonly string[] = Object.keys(chosen),
  ): Promise<Partial<Settings>> {
    const { defaults } = await this.get();
    const explicit = Object.fromEntries(Object.entries(chosen).filter(([key]) => given.includes(key)));
    return { ...defaults, ...explicit };
  }
}
