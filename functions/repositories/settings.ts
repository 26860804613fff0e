import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { settingsItem } from "../db/items/settings.js";
import { getItem } from "../db/query.js";
import type { Settings } from "../domain/conversation.js";
import { initialSettings, type OrganisationSettings } from "../domain/settings.js";

/** Organisation-wide settings: one item. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  async get(): Promise<OrganisationSettings & { updatedAt: string | null }> {
    const stored = await getItem(this.db, settingsItem, undefined);
    if (!stored) return { ...initialSettings, updatedAt: null };
    // Settings stored before a field existed still read completely.
    return {
      ...initialSettings,
      ...stored,
      defaults: stored.defaults ?? initialSettings.defaults,
      updatedAt: stored.updatedAt ?? null,
    };
  }

  async put(
    settings: OrganisationSettings,
    now = new Date(),
  ): Promise<OrganisationSettings & { updatedAt: string }> {
    const saved = { ...settings, updatedAt: now.toISOString() };
    await this.db.doc.send(
      new PutCommand({ TableName: this.db.tableName, Item: settingsItem.toItem(saved) }),
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
