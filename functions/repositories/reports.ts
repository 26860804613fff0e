import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "../db/errors.js";
import { keys } from "../db/keys.js";
import { ConflictError, NotFoundError } from "../errors.js";
import type { ComputedReport, ReportHead, SegmentView } from "../report/compute.js";
import type { ReportThought } from "../report/schema.js";
import type { Db } from "./db.js";

/** DynamoDB items stop at 400 KB; pages of ranked thoughts stay well under it. */
// Part names sort head < pages < segment views, so one range Query reads the head and a page.
const headPart = "A#HEAD";
const pagePart = (page: number) => `B#${String(page).padStart(5, "0")}`;
const segmentPart = (key: string) => `C#${key}`;

const pageBudgetBytes = 300_000;

export interface ThemeEdit {
  readonly title?: string;
  readonly summary?: string;
  readonly editedAt: string;
}

/**
 * A computed report is stored as one version: a head item (everything but the thought list),
 * pages of ranked thoughts, and one item per released segment view. Readers fetch the head and
 * the first page in one Query, whatever the conversation's size.
 */
export class ReportRepository {
  constructor(private readonly db: Db) {}

  async save(conversationId: string, report: ComputedReport): Promise<void> {
    const version = report.head.version;
    const items: Record<string, unknown>[] = [
      { ...keys.reportItem(conversationId, version, headPart), head: report.head },
      ...paginate(report.ranked).map((thoughts, page) => ({
        ...keys.reportItem(conversationId, version, pagePart(page)),
        thoughts,
      })),
      ...report.segmentViews.map((view) => ({
        ...keys.reportItem(conversationId, version, segmentPart(view.key)),
        view,
      })),
    ];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const result = await this.db.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.db.tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.db.tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
      }
    }
    // Only now does the version become visible: readers never see half a report.
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.conversation(conversationId),
        UpdateExpression: "SET reportVersion = :v",
        ConditionExpression: "attribute_not_exists(reportVersion) OR reportVersion < :v",
        ExpressionAttributeValues: { ":v": version },
      }),
    );
  }

  /** Head plus one page of ranked thoughts (one Query). `page` continues from a cursor. */
  async read(
    conversationId: string,
    version: number,
    page = 0,
  ): Promise<{ head: ReportHead; thoughts: ReportThought[]; nextPage?: number }> {
    const prefix = keys.reportPrefix(version);
    const [headItem, pageItems] = await Promise.all([
      page === 0 ? undefined : this.getPart(conversationId, version, headPart),
      this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          ExpressionAttributeValues: {
            ":pk": `CONV#${conversationId}`,
            ":from": `${prefix}${page === 0 ? headPart : pagePart(page)}`,
            ":to": `${prefix}${pagePart(page + 1)}`,
          },
          Limit: page === 0 ? 3 : 2,
        }),
      ),
    ]);
    const found = pageItems.Items ?? [];
    const head = (headItem ?? found.find((i) => String(i.sk) === `${prefix}${headPart}`))?.head as
      | ReportHead
      | undefined;
    if (!head) throw new NotFoundError("This report version does not exist.");
    const current = found.find((i) => String(i.sk) === `${prefix}${pagePart(page)}`);
    const next = found.find((i) => String(i.sk) === `${prefix}${pagePart(page + 1)}`);
    return {
      head,
      thoughts: (current?.thoughts ?? []) as ReportThought[],
      ...(next && { nextPage: page + 1 }),
    };
  }

  async segmentView(conversationId: string, version: number, key: string): Promise<SegmentView | undefined> {
    return (await this.getPart(conversationId, version, segmentPart(key)))?.view as SegmentView | undefined;
  }

  /** Every ranked thought of a version, page by page: for exports and the next run's theme ids. */
  async *allThoughts(conversationId: string, version: number): AsyncGenerator<ReportThought[]> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const result = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: {
            ":pk": `CONV#${conversationId}`,
            ":prefix": `${keys.reportPrefix(version)}B#`,
          },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of result.Items ?? []) yield item.thoughts as ReportThought[];
      cursor = result.LastEvaluatedKey;
    } while (cursor);
  }

  async edits(conversationId: string): Promise<Record<string, ThemeEdit>> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.themeEdits(conversationId) }),
    );
    return (Item?.edits ?? {}) as Record<string, ThemeEdit>;
  }

  /**
   * Leaders' rewrites live apart from computed versions, keyed by theme id; theme ids are stable
   * across runs, so an edit survives a re-run that finds the same theme.
   */
  async saveEdit(conversationId: string, themeId: string, edit: ThemeEdit): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: {
          ...keys.themeEdits(conversationId),
          edits: { ...(await this.edits(conversationId)), [themeId]: edit },
        },
      }),
    );
  }

  /** Approval names a version: a re-run after approval needs approving again before publishing. */
  async approve(conversationId: string, version: number): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.conversation(conversationId),
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

  private async getPart(conversationId: string, version: number, part: string) {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.reportItem(conversationId, version, part) }),
    );
    return Item;
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
