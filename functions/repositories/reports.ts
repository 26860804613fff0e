import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { isConditionFailure } from "../db/errors.js";
import { parseEntries, type RawItem } from "../db/item.js";
import { conversationItem } from "../db/items/conversations.js";
import {
  headAndPage,
  pagesOf,
  partsOf,
  quotePlaces,
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
    const head = headItem?.head ?? (rawHead ? reportHeadItem.parse(rawHead).head : undefined);
    if (!head) throw new NotFoundError("This report version does not exist.");
    const current = bySortKey.get(reportPageItem.key({ ...at, page }).sk);
    const next = bySortKey.get(reportPageItem.key({ ...at, page: page + 1 }).sk);
    return {
      head,
      thoughts: current ? this.pageThoughts(current) : [],
      ...(next && { nextPage: page + 1 }),
    };
  }

  async segmentView(
    conversationId: string,
    version: number,
    segment: string,
  ): Promise<StoredSegmentView | undefined> {
    return (await getItem(this.db, segmentViewItem, { conversationId, version, segment }))?.view;
  }

  /** Every ranked thought of a version, page by page: for exports and the next run's theme ids. */
  async *allThoughts(conversationId: string, version: number): AsyncGenerator<ReportThought[]> {
    for await (const pages of queryPages(this.db, reportPageItem, pagesOf({ conversationId, version }))) {
      for (const page of pages) yield this.entries(page.thoughts);
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
   * "Redaction and reports already computed"): wherever the newest and the approved version quote
   * the thought — a page of ranked thoughts, a segment view, the head's common-ground and divisive
   * lists — its text becomes `text`, in place. Those are the only versions any route serves.
   *
   * Bounded: at most two versions, each read once like an export (head, pages, at most one view
   * per released segment), one small Update per part that quotes the thought. Idempotent: a part
   * already quoting `text` is not written. Conditional: each Update checks that the list entry it
   * sets still holds this thought's id, so it never writes into another thought. Returns how many
   * parts it rewrote.
   */
  async rewriteQuotes(conversationId: string, thoughtId: string, text: string): Promise<number> {
    const conversation = await getItem(
      this.db,
      conversationItem,
      { id: conversationId },
      { consistent: true },
    );
    const versions = new Set(
      [conversation?.reportVersion, conversation?.approvedReportVersion].filter(
        (v): v is number => v !== undefined,
      ),
    );
    let rewritten = 0;
    for (const version of versions) {
      let startKey: StoredKey | undefined;
      do {
        const page = await queryRaw(this.db, partsOf({ conversationId, version }), {
          consistent: true,
          startKey,
        });
        for (const raw of page.items) if (await this.rewritePart(raw, thoughtId, text)) rewritten++;
        startKey = page.lastKey;
      } while (startKey);
    }
    return rewritten;
  }

  private async rewritePart(raw: RawItem, thoughtId: string, text: string): Promise<boolean> {
    const stale = quotePlaces(raw, thoughtId).filter((place) => place.text !== text);
    if (stale.length === 0) return false;
    const names: Record<string, string> = { "#text": "text" };
    const at = (place: (typeof stale)[number]) =>
      `${place.list
        .map((name) => {
          names[`#${name}`] = name;
          return `#${name}`;
        })
        .join(".")}[${place.index}]`;
    const sets = stale.map((place) => `${at(place)}.#text = :text`);
    const conditions = stale.map((place) => {
      names[`#${place.idField}`] = place.idField;
      return `${at(place)}.#${place.idField} = :id`;
    });
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: { pk: raw.pk, sk: raw.sk },
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: conditions.join(" AND "),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ":text": text, ":id": thoughtId },
        }),
      );
      return true;
    } catch (error) {
      // A stored part is written once and never reordered: a failed check means it is gone.
      if (!isConditionFailure(error)) throw error;
      this.db.logger?.warn("report part changed while a quote was rewritten", { sk: String(raw.sk) });
      return false;
    }
  }

  private pageThoughts(raw: RawItem): ReportThought[] {
    const page = reportPageItem.parseOrSkip(raw, this.db.logger);
    return page ? this.entries(page.thoughts) : [];
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
