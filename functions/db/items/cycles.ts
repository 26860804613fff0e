import * as z from "zod";
import { cycleSchema, type StageKey, stageKeys } from "../../domain/cycle.js";
import { themeResponseSchema } from "../../report/schema.js";
import { defineItem, type RawItem } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";

const cyclePartition = (id: string) => `CYCLE#${id}`;

export const cycleItem = defineItem({
  name: "cycle",
  key: ({ id }: { id: string }) => ({ pk: cyclePartition(id), sk: "META" }),
  indexes: (c) => ({ gsi1pk: "CYCLES", gsi1sk: `${c.createdAt}#${c.id}` }),
  schema: cycleSchema,
});

/** Cycles newest first (gsi1). */
export const cycleList: KeyQuery = { index: "gsi1", partition: "CYCLES" };

/**
 * Leaders' edits to a cycle's computed theme links: one attribute per source theme
 * (`link:<stage>:<themeId>`), so two leaders linking different themes never overwrite each other.
 */
export const cycleLinksItem = defineItem({
  name: "cycle links",
  key: ({ cycleId }: { cycleId: string }) => ({ pk: cyclePartition(cycleId), sk: "LINKS" }),
  schema: z.record(z.string(), z.unknown()),
});
export const linkAttribute = (fromStage: StageKey, fromThemeId: string) => `link:${fromStage}:${fromThemeId}`;
export const linkEntrySchema = z.object({
  fromStage: z.enum(stageKeys),
  fromThemeId: z.string().min(1),
  toThemeId: z.string().min(1).nullable(),
  at: z.string().optional(),
});
export type StoredLinkOverride = z.infer<typeof linkEntrySchema>;
/** The link entries of a cycle links item. */
export const linkEntries = (item: RawItem) =>
  Object.entries(item).filter(([name]) => name.startsWith("link:"));

/**
 * Leadership's responses to a conversation's themes (DESIGN §1): one attribute per theme
 * (`theme:<themeId>`). The item names no person: who wrote a response is in the audit log only.
 */
export const themeResponsesItem = defineItem({
  name: "theme responses",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: "THEME-RESPONSES",
  }),
  schema: z.record(z.string(), z.unknown()),
});
export const responseAttribute = (themeId: string) => `theme:${themeId}`;
export const responseEntrySchema = themeResponseSchema.extend({ updatedAt: z.string() });
export type StoredThemeResponse = z.infer<typeof responseEntrySchema>;
export const responseEntries = (item: RawItem) =>
  Object.entries(item).filter(([name]) => name.startsWith("theme:"));
