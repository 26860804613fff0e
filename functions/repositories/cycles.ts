import { randomUUID } from "node:crypto";
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { cancelledConditions } from "../db/errors.js";
import { keys } from "../db/keys.js";
import { type Cycle, cycleSchema, type LinkOverride, type StageKey } from "../domain/cycle.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { ThemeResponse } from "../report/schema.js";
import { type Db, withoutKeys } from "./db.js";
import { idempotencyPut, replayedResult } from "./idempotency.js";

const listPageSize = 50;

/** Link overrides are stored as one attribute per source theme of the LINKS item. */
const linkAttribute = (fromStage: StageKey, fromThemeId: string) => `link:${fromStage}:${fromThemeId}`;

export interface StoredLinkOverride {
  readonly fromStage: StageKey;
  readonly fromThemeId: string;
  readonly toThemeId: string | null;
}

export class CycleRepository {
  constructor(private readonly db: Db) {}

  /**
   * Writes the cycle and its idempotency record together. The stage conversations are created
   * afterwards, each with its own idempotency record, so a retry finishes a half-made cycle.
   */
  async createOnce(
    input: { name: string; year: number | null; clonedFrom: string | null },
    idempotency: { recordKey: string; requestHash: string },
    now = new Date(),
  ): Promise<Cycle> {
    const id = randomUUID();
    const at = now.toISOString();
    const cycle: Cycle = { id, ...input, stageIds: [], createdAt: at, updatedAt: at };
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            idempotencyPut(
              this.db.tableName,
              idempotency.recordKey,
              { resultId: id, requestHash: idempotency.requestHash },
              now,
            ),
            {
              Put: {
                TableName: this.db.tableName,
                Item: { ...keys.cycle(id), ...keys.cycleList(at, id), ...cycle },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!cancelledConditions(error)?.includes(0)) throw error;
      return this.get(await replayedResult(this.db, idempotency.recordKey, idempotency.requestHash));
    }
    return cycle;
  }

  async get(id: string): Promise<Cycle> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.cycle(id) }),
    );
    if (!Item) throw new NotFoundError("No cycle has this id.");
    return cycleSchema.parse(withoutKeys(Item));
  }

  /** Newest first, one page. */
  async list(cursor?: string): Promise<{ items: Cycle[]; cursor?: string }> {
    const result = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.cycleList("", "").gsi1pk },
        ScanIndexForward: false,
        Limit: listPageSize,
        ExclusiveStartKey: cursor ? decodeCursor(cursor, "CYCLES") : undefined,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => cycleSchema.parse(withoutKeys(item))),
      cursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : undefined,
    };
  }

  async setStages(id: string, stageIds: readonly string[], now = new Date()): Promise<Cycle> {
    const { Attributes } = await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.cycle(id),
        UpdateExpression: "SET stageIds = :ids, updatedAt = :now",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":ids": stageIds, ":now": now.toISOString() },
        ReturnValues: "ALL_NEW",
      }),
    );
    return cycleSchema.parse(withoutKeys(Attributes ?? {}));
  }

  async linkOverrides(id: string): Promise<StoredLinkOverride[]> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.cycleLinks(id) }),
    );
    return Object.entries(Item ?? {}).flatMap(([name, value]) =>
      name.startsWith("link:") ? [value as StoredLinkOverride] : [],
    );
  }

  /**
   * Stores a leader's link. A target theme has one source, so an earlier override into the same
   * theme is dropped in the same write; the matcher then links that source afresh.
   */
  async saveLinkOverride(id: string, link: LinkOverride, now = new Date()): Promise<void> {
    const existing = await this.linkOverrides(id);
    const displaced = existing.filter(
      (o) =>
        link.toThemeId !== null &&
        o.fromStage === link.fromStage &&
        o.toThemeId === link.toThemeId &&
        o.fromThemeId !== link.fromThemeId,
    );
    const names: Record<string, string> = { "#link": linkAttribute(link.fromStage, link.fromThemeId) };
    displaced.forEach((o, i) => {
      names[`#old${i}`] = linkAttribute(o.fromStage, o.fromThemeId);
    });
    const stored: StoredLinkOverride & { at: string } = {
      fromStage: link.fromStage,
      fromThemeId: link.fromThemeId,
      toThemeId: link.toThemeId,
      at: now.toISOString(),
    };
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.cycleLinks(id),
        UpdateExpression:
          "SET #link = :link" +
          (displaced.length ? ` REMOVE ${displaced.map((_, i) => `#old${i}`).join(", ")}` : ""),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ":link": stored },
      }),
    );
  }
}

export interface StoredThemeResponse extends ThemeResponse {
  readonly updatedAt: string;
}

const responseAttribute = (themeId: string) => `theme:${themeId}`;

/**
 * Leadership's responses to a conversation's themes (DESIGN §1). One item per conversation with
 * one attribute per theme, so leaders answering different themes at once never overwrite each
 * other. The item names no person: who wrote a response is in the audit log only.
 */
export class ThemeResponseRepository {
  constructor(private readonly db: Db) {}

  async all(conversationId: string): Promise<StoredThemeResponse[]> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.themeResponses(conversationId) }),
    );
    return Object.entries(Item ?? {})
      .flatMap(([name, value]) => (name.startsWith("theme:") ? [value as StoredThemeResponse] : []))
      .sort((a, b) => a.themeId.localeCompare(b.themeId));
  }

  /** Written only while the conversation is closed: checked in the same transaction as the write. */
  async save(
    conversationId: string,
    response: ThemeResponse,
    now = new Date(),
  ): Promise<StoredThemeResponse> {
    const stored: StoredThemeResponse = { ...response, updatedAt: now.toISOString() };
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.db.tableName,
                Key: keys.conversation(conversationId),
                ConditionExpression: "#s = :closed",
                ExpressionAttributeNames: { "#s": "state" },
                ExpressionAttributeValues: { ":closed": "closed" },
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: keys.themeResponses(conversationId),
                UpdateExpression: "SET #theme = :response",
                ExpressionAttributeNames: { "#theme": responseAttribute(response.themeId) },
                ExpressionAttributeValues: { ":response": stored },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (cancelledConditions(error)?.includes(0)) {
        throw new ConflictError(
          "Responses are written after a conversation closes and before it is published.",
        );
      }
      throw error;
    }
    return stored;
  }

  /**
   * A response's status or due date, while the conversation is closed or published (follow-up
   * goes on after the results are out). Checked in the same transaction as the write.
   */
  async followUp(
    conversationId: string,
    themeId: string,
    change: { status?: string; dueDate?: string | null },
    now = new Date(),
  ): Promise<StoredThemeResponse> {
    const current = (await this.all(conversationId)).find((r) => r.themeId === themeId);
    if (!current) throw new NotFoundError("This theme has no response yet; write one first.");
    const { dueDate: _old, ...rest } = current;
    const dueDate = change.dueDate === undefined ? current.dueDate : (change.dueDate ?? undefined);
    const stored: StoredThemeResponse = {
      ...rest,
      ...(dueDate && { dueDate }),
      ...(change.status && { status: change.status as StoredThemeResponse["status"] }),
      updatedAt: now.toISOString(),
    };
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.db.tableName,
                Key: keys.conversation(conversationId),
                ConditionExpression: "#s IN (:closed, :published)",
                ExpressionAttributeNames: { "#s": "state" },
                ExpressionAttributeValues: { ":closed": "closed", ":published": "published" },
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: keys.themeResponses(conversationId),
                UpdateExpression: "SET #theme = :response",
                ConditionExpression: "attribute_exists(#theme)",
                ExpressionAttributeNames: { "#theme": responseAttribute(themeId) },
                ExpressionAttributeValues: { ":response": stored },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const failed = cancelledConditions(error);
      if (failed?.includes(0)) {
        throw new ConflictError("A response's status is followed up once the conversation closes.");
      }
      if (failed?.includes(1)) throw new NotFoundError("This theme has no response yet; write one first.");
      throw error;
    }
    return stored;
  }
}

export const encodeCursor = (key: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(key)).toString("base64url");

/** A cursor is only ever a key of the list it came from; anything else is refused, not queried. */
export function decodeCursor(cursor: string, partition: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString()) as Record<string, unknown>;
    if (
      (key.pk === partition || key.gsi1pk === partition) &&
      Object.values(key).every((v) => typeof v === "string")
    ) {
      return key;
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError("The cursor is not valid.", [
    { path: "cursor", message: "not a cursor from this list" },
  ]);
}
