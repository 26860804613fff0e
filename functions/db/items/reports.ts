import * as z from "zod";
import { reportSchema, reportThemeSchema, reportThoughtSchema } from "../../report/schema.js";
import { defineItem, type ItemValue } from "../item.js";
import type { KeyQuery } from "../query.js";
import { conversationPartition } from "./conversations.js";

/**
 * A computed report is stored as one version: a head item (everything but the thought list),
 * pages of ranked thoughts, and one item per released segment view. Part names sort head <
 * pages < segment views, so one range Query reads the head and a page.
 */
const versionPrefix = (version: number) => `REPORT#v${String(version).padStart(6, "0")}#`;
const headPart = "A#HEAD";
const pagePart = (page: number) => `B#${String(page).padStart(5, "0")}`;
const segmentPart = (segment: string) => `C#${segment}`;

type VersionKey = { conversationId: string; version: number };
const reportKey = ({ conversationId, version }: VersionKey, part: string) => ({
  pk: conversationPartition(conversationId),
  sk: `${versionPrefix(version)}${part}`,
});

/**
 * Thoughts a moderator hid after the version was computed (db/items/report-moderation.ts): the
 * part keeps their place and numbers with their quotes blanked, and readers leave them out.
 */
const withheldSchema = z.array(z.string()).optional();

export const reportHeadSchema = reportSchema.omit({ thoughts: true, nextCursor: true, segment: true });

export const reportHeadItem = defineItem({
  name: "report head",
  key: (k: VersionKey) => reportKey(k, headPart),
  schema: z.object({ head: reportHeadSchema, withheld: withheldSchema }),
});

/**
 * A page of ranked thoughts. Its thoughts are parsed one by one (parseEntries), so one bad
 * entry leaves the rest of the page readable.
 */
export const reportPageItem = defineItem({
  name: "report page",
  key: (k: VersionKey & { page: number }) => reportKey(k, pagePart(k.page)),
  schema: z.object({ thoughts: z.array(z.unknown()), withheld: withheldSchema }),
});

export const segmentViewItem = defineItem({
  name: "segment view",
  key: (k: VersionKey & { segment: string }) => reportKey(k, segmentPart(k.segment)),
  schema: z.object({
    view: z.object({
      key: z.string(),
      themes: z.array(reportThemeSchema),
      /** Themes whose cell is hidden; absent on views stored before cells were released one by one. */
      hiddenThemeIds: z.array(z.string()).optional(),
      thoughts: z.array(reportThoughtSchema),
      hiddenThoughts: z.int().min(0).optional(),
    }),
    withheld: withheldSchema,
  }),
});
export type StoredSegmentView = ItemValue<typeof segmentViewItem>["view"];

/** The head and the given page, and the next page's first key to tell whether there is one. */
export const headAndPage = (k: VersionKey, page: number): KeyQuery => ({
  partition: conversationPartition(k.conversationId),
  sort: {
    between: [
      `${versionPrefix(k.version)}${page === 0 ? headPart : pagePart(page)}`,
      reportKey(k, pagePart(page + 1)).sk,
    ],
  },
});

/** Every page of ranked thoughts of a version. */
export const pagesOf = (k: VersionKey): KeyQuery => ({
  partition: conversationPartition(k.conversationId),
  sort: { beginsWith: `${versionPrefix(k.version)}B#` },
});

export const themeEditSchema = z.object({
  title: z.string().optional(),
  summary: z.string().optional(),
  editedAt: z.string(),
});
export type ThemeEdit = z.infer<typeof themeEditSchema>;

/**
 * Leaders' rewrites live apart from computed versions, keyed by theme id; theme ids are stable
 * across runs, so an edit survives a re-run that finds the same theme. Each edit is parsed on its
 * own (parseEntries).
 */
export const themeEditsItem = defineItem({
  name: "theme edits",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: "THEME-EDITS",
  }),
  schema: z.object({ edits: z.record(z.string(), z.unknown()).default({}) }),
});

/**
 * Facilitators' theme shaping (report/shaping.ts): one item per conversation beside the theme
 * edits, kept apart from computed versions so every later run replays it; `revision` makes each
 * write a compare-and-set.
 */
export const themeShapingItem = defineItem({
  name: "theme shaping",
  key: ({ conversationId }: { conversationId: string }) => ({
    pk: conversationPartition(conversationId),
    sk: "THEME-SHAPING",
  }),
  schema: z.object({
    moves: z.record(z.string(), z.string()).default({}),
    made: z.record(z.string(), z.object({ title: z.string(), summary: z.string() })).default({}),
    revision: z.int().min(0).default(0),
  }),
});
/** The revision alone, read from a shaping item whose moves cannot be read (so it can be rewritten). */
export const shapingRevisionSchema = themeShapingItem.schema.pick({ revision: true });

/** Every stored part of a version: its head, its pages, its segment views. */
export const partsOf = (k: VersionKey): KeyQuery => ({
  partition: conversationPartition(k.conversationId),
  sort: { beginsWith: versionPrefix(k.version) },
});
