import * as z from "zod";
import { organisationSettingsSchema, storedDefaultsSchema } from "../../domain/settings.js";
import { defineItem } from "../item.js";

/**
 * Organisation-wide settings: one item. Every field is optional on read, so settings stored
 * before a field existed still read; the repository fills the rest from the initial settings.
 */
export const settingsItem = defineItem({
  name: "organisation settings",
  key: () => ({ pk: "SETTINGS", sk: "ORGANISATION" }),
  schema: organisationSettingsSchema
    .extend({ defaults: storedDefaultsSchema })
    .partial()
    .extend({ updatedAt: z.string().optional() }),
});
