import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { isConditionFailure } from "../db/errors.js";
import { parseEntries, type RawItem } from "../db/item.js";
import { conversationItem, type StoredConversation } from "../db/items/conversations.js";
import {
  changePart,
  listedIn,
  type QuoteChange,
  quotedTexts,
  remainingTexts,
  shownHead,
  shownThemes,
  shownThoughts,
  withheldIn,
} from "../db/items/report-moderation.js";
import {
  headAndPage,
  pagesOf,
  partsOf,
  reportHeadItem,
  reportPageItem,
  type StoredSegmentView,
  segmentViewItem,
  type ThemeEdit,
  themeEditSchema,
  themeEditsItem,
} from "../db/items/reports.js";
import { getItem, queryPages, queryRaw, type StoredKey } from "../db/query.js";
import { ConflictError, NotFoundError } from "../errors.js";
import type { ComputedReport, ReportHead } from "../report/compute.js";
import { type ReportThought, reportThoughtSchema } from "../report/schema.js";

/** DynamoDB items stop at 400 KB; pages of ranked thoughts stay well under it. */
const pageBudgetBytes = 300_000;

/**
 * A computed report is stored as one version: a head item (everything but the thought list),
 * pages of ranked thoughts, and one item per released segment view. Readers fetch the head and
 * the first page in one Query, whatever the conversation's size.
 */
export class ReportRepository {
  constructor(private readonly db: Db) {}

  async save(conversationId: string, report: ComputedReport): Promise<void> {
    const version = report.head.version;
    const at = { conversationId, version };
    await batchWrite(this.db, [
      reportHeadItem.toItem({ ...at, head: report.head }),
      ...paginate(report.ranked).map((thoughts, page) => reportPageItem.toItem({ ...at, page, thoughts })),
      ...report.segmentViews.map((view) => segmentViewItem.toItem({ ...at, segment: view.key, view })),
    ]);
    // Only now does the version become visible: readers never see half a report.
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: conversationItem.key({ id: conversationId }),
        UpdateExpression: "SET reportVersion = :v",
        ConditionExpression: "attribute_not_exists(reportVersion) OR reportVersion < :v",
        ExpressionAttributeValues: { ":v": version },
      }),
    );
  }

  /**
   * Head plus one page of ranked thoughts (one Query). `page` continues from a cursor. An
   * unreadable head is a problem for the caller; an unreadable page or thought is left out.
   */
  async read(
    conversationId: string,
    version: number,
    page = 0,
  ): Promise<{ head: ReportHead; thoughts: ReportThought[]; nextPage?: number }> {
    const at = { conversationId, version };
    const [headItem, found] = await Promise.all([
      page === 0 ? undefined : getItem(this.db, reportHeadItem, at),
      queryRaw(this.db, headAndPage(at, page), { limit: page === 0 ? 3 : 2 }),
    ]);
    const bySortKey = new Map(found.items.map((item) => [item.sk, item]));
    const rawHead = bySortKey.get(reportHeadItem.key(at).sk);
    const stored = headItem ?? (rawHead ? reportHeadItem.parse(rawHead) : undefined);
    if (!stored) throw new NotFoundError("This report version does not exist.");
    const current = bySortKey.get(reportPageItem.key({ ...at, page }).sk);
    const next = bySortKey.get(reportPageItem.key({ ...at, page: page + 1 }).sk);
    return {
      head: shownHead(stored.head, withheldIn(stored)),
      thoughts: current ? this.pageThoughts(current) : [],
      ...(next && { nextPage: page + 1 }),
    };
  }

  async segmentView(
    conversationId: string,
    version: number,
    segment: string,
  ): Promise<StoredSegmentView | undefined> {
    const stored = await getItem(this.db, segmentViewItem, { conversationId, version, segment });
    if (!stored) return undefined;
    const withheld = withheldIn(stored);
    return {
      ...stored.view,
      themes: shownThemes(stored.view.themes, withheld),
      thoughts: shownThoughts(stored.view.thoughts, withheld),
    };
  }

  /** Every ranked thought of a version, page by page: for exports and the next run's theme ids. */
  async *allThoughts(conversationId: string, version: number): AsyncGenerator<ReportThought[]> {
    for await (const pages of queryPages(this.db, reportPageItem, pagesOf({ conversationId, version }))) {
      for (const page of pages) yield shownThoughts(this.entries(page.thoughts), withheldIn(page));
    }
  }

  /** Leaders' edits by theme id; an unreadable edit is logged and left out. */
  async edits(conversationId: string): Promise<Record<string, ThemeEdit>> {
    const stored = (await getItem(this.db, themeEditsItem, { conversationId }))?.edits ?? {};
    return Object.fromEntries(
      parseEntries("theme edit", themeEditSchema, Object.entries(stored), this.db.logger),
    );
  }

  /**
   * Leaders' rewrites live apart from computed versions, keyed by theme id; theme ids are stable
   * across runs, so an edit survives a re-run that finds the same theme.
   */
  async saveEdit(conversationId: string, themeId: string, edit: ThemeEdit): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: themeEditsItem.toItem({
          conversationId,
          edits: { ...(await this.edits(conversationId)), [themeId]: edit },
        }),
      }),
    );
  }

  /** Approval names a version: a re-run after approval needs approving again before publishing. */
  async approve(conversationId: string, version: number): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: conversationItem.key({ id: conversationId }),
          UpdateExpression: "SET approvedReportVersion = :v",
          ConditionExpression: "reportVersion = :v AND #s IN (:closed, :published)",
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: { ":v": version, ":closed": "closed", ":published": "published" },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(
          "Only the newest report of a closed conversation can be approved. Reload and try again.",
        );
      }
      throw error;
    }
  }

  /**
   * A moderator's redaction reaches the reports computed before it (issue 12, docs/anonymity.md
   * "Moderation and reports already computed"): wherever the served versions quote the thought —
   * a page of ranked thoughts, a segment view, the head's common-ground and divisive lists, a
   * theme summary's excerpt — its text becomes `text`. Returns how many parts it rewrote.
   */
  rewriteQuotes(conversationId: string, thoughtId: string, text: string): Promise<number> {
    return this.changeQuotes(conversationId, { kind: "redact", thoughtId, text });
  }

  /** Hidden thoughts leave the served versions' lists and quotes; their words leave the stored parts. */
  withhold(conversationId: string, thoughtIds: readonly string[]): Promise<number> {
    return thoughtIds.length === 0
      ? Promise.resolve(0)
      : this.changeQuotes(conversationId, { kind: "withhold", thoughtIds });
  }

  /** Restored thoughts come back where they were, with their (current) text. */
  release(conversationId: string, thoughts: readonly { id: string; text: string }[]): Promise<number> {
    return thoughts.length === 0
      ? Promise.resolve(0)
      : this.changeQuotes(conversationId, { kind: "release", thoughts });
  }

  /**
   * Bounded: the two versions any route serves (the newest and the approved; the others are
   * deleted, pruneSuperseded), each read once like an export, one Put per part that changes.
   * Idempotent: a part with nothing to change is not written, so a repeated decision finishes
   * what an earlier request could not. Parts are written head and segment views first, pages
   * last, so an interrupted redaction leaves the old text where a repeat finds it again.
   */
  private async changeQuotes(conversationId: string, change: QuoteChange): Promise<number> {
    const conversation = await getItem(
      this.db,
      conversationItem,
      { id: conversationId },
      { consistent: true },
    );
    const ids =
      change.kind === "redact"
        ? [change.thoughtId]
        : change.kind === "withhold"
          ? change.thoughtIds
          : change.thoughts.map((t) => t.id);
    let changed = 0;
    for (const version of servedVersions(conversation)) {
      const parts: RawItem[] = [];
      for await (const page of this.rawParts(conversationId, version)) parts.push(...page);
      const quoted = quotedTexts(parts, ids);
      const made: QuoteChange =
        change.kind === "withhold" ? { ...change, thoughtIds: listedIn(parts, change.thoughtIds) } : change;
      if (made.kind === "withhold" && made.thoughtIds.length === 0) continue;
      const remaining = remainingTexts(parts, made);
      const pagesLast = [...parts].sort((a, b) => Number(isPage(a)) - Number(isPage(b)));
      for (const part of pagesLast)
        if (await this.putChanged(part, (p) => changePart(p, made, quoted, remaining))) changed++;
    }
    return changed;
  }

  /**
   * Writes the part `change` makes of it, unless it has nothing to change. Conditional on the part
   * still existing (a pruned version is never brought back) and on no other rewrite since it was
   * read (its `rewrites` count): on a clash the part is read again and changed again.
   */
  private async putChanged(read: RawItem, change: (part: RawItem) => RawItem | undefined): Promise<boolean> {
    let part: RawItem | undefined = read;
    for (let attempt = 1; part; attempt++) {
      const next = change(part);
      if (!next) return false;
      const rewrites = typeof part.rewrites === "number" ? part.rewrites : undefined;
      try {
        await this.db.doc.send(
          new PutCommand({
            TableName: this.db.tableName,
            Item: { ...next, rewrites: (rewrites ?? 0) + 1 },
            ConditionExpression:
              rewrites === undefined
                ? "attribute_exists(pk) AND attribute_not_exists(rewrites)"
                : "rewrites = :rewrites",
            ...(rewrites !== undefined && { ExpressionAttributeValues: { ":rewrites": rewrites } }),
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        if (attempt >= 3) throw new ConflictError("The report changed meanwhile. Try again.");
        const key: RawItem = { pk: part.pk, sk: part.sk };
        const reread: { Item?: RawItem } = await this.db.doc.send(
          new GetCommand({ TableName: this.db.tableName, Key: key, ConsistentRead: true }),
        );
        part = reread.Item;
      }
    }
    return false;
  }

  /**
   * Superseded versions (neither the newest nor the approved) are served by no route; deleting
   * them means no stored report keeps a text moderation removed since. The theme run calls this
   * once its version is the newest: it walks every older version (a job, not a request; a
   * conversation has as many versions as theme runs), so versions stored before pruning existed
   * go too.
   */
  async pruneSuperseded(conversationId: string): Promise<void> {
    const conversation = await getItem(
      this.db,
      conversationItem,
      { id: conversationId },
      { consistent: true },
    );
    const kept = new Set(servedVersions(conversation));
    for (let version = (conversation?.reportVersion ?? 1) - 1; version >= 1; version--)
      if (!kept.has(version)) await this.deleteVersion(conversationId, version);
  }

  /** Every part of one version (approval deletes the version it replaces), in batches. */
  async deleteVersion(conversationId: string, version: number): Promise<void> {
    for await (const parts of this.rawParts(conversationId, version))
      await batchWrite(
        this.db,
        [],
        parts.map((p) => ({ pk: String(p.pk), sk: String(p.sk) })),
      );
  }

  private async *rawParts(conversationId: string, version: number): AsyncGenerator<RawItem[]> {
    let startKey: StoredKey | undefined;
    do {
      const page = await queryRaw(this.db, partsOf({ conversationId, version }), {
        consistent: true,
        startKey,
      });
      yield page.items;
      startKey = page.lastKey;
    } while (startKey);
  }

  private pageThoughts(raw: RawItem): ReportThought[] {
    const page = reportPageItem.parseOrSkip(raw, this.db.logger);
    return page ? shownThoughts(this.entries(page.thoughts), withheldIn(page)) : [];
  }

  private entries(thoughts: readonly unknown[]): ReportThought[] {
    return parseEntries("report thought", reportThoughtSchema, thoughts.entries(), this.db.logger).map(
      ([, thought]) => thought,
    );
  }
}

function paginate(thoughts: readonly ReportThought[]): ReportThought[][] {
  const pages: ReportThought[][] = [[]];
  let bytes = 0;
  for (const thought of thoughts) {
    const size = Buffer.byteLength(JSON.stringify(thought));
    if (bytes + size > pageBudgetBytes && pages.at(-1)!.length > 0) {
      pages.push([]);
      bytes = 0;
    }
    pages.at(-1)!.push(thought);
    bytes += size;
  }
  return pages;
}

/** The versions routes serve: the newest (leaders) and the approved (everyone, once published). */
function servedVersions(conversation: StoredConversation | undefined): number[] {
  return [
    ...new Set(
      [conversation?.reportVersion, conversation?.approvedReportVersion].filter(
        (v): v is number => v !== undefined,
      ),
    ),
  ];
}

const isPage = (part: RawItem) => /#B#\d+$/.test(String(part.sk));
