import { randomUUID } from "node:crypto";
import { TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { cancelledConditions } from "../db/errors.js";
import { parseEntries } from "../db/item.js";
import { conversationItem } from "../db/items/conversations.js";
import {
  cycleItem,
  cycleLinksItem,
  cycleList,
  linkAttribute,
  linkEntries,
  linkEntrySchema,
  responseAttribute,
  responseEntries,
  responseEntrySchema,
  type StoredLinkOverride,
  type StoredThemeResponse,
  themeResponsesItem,
} from "../db/items/cycles.js";
import { getItem, queryPage, type StoredKey } from "../db/query.js";
import type { Cycle, LinkOverride } from "../domain/cycle.js";
import { ConflictError, NotFoundError } from "../errors.js";
import type { ThemeResponse } from "../report/schema.js";
import { idempotencyPut, replayedResult } from "./idempotency.js";

const listPageSize = 50;

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
                Item: cycleItem.toItem(cycle),
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
    const cycle = await getItem(this.db, cycleItem, { id });
    if (!cycle) throw new NotFoundError("No cycle has this id.");
    return cycle;
  }

  /** Newest first, one page; a cycle that fails its schema is logged and left out. */
  async list(startKey?: StoredKey): Promise<{ items: Cycle[]; lastKey?: StoredKey }> {
    return queryPage(this.db, cycleItem, cycleList, { newestFirst: true, limit: listPageSize, startKey });
  }

  async setStages(id: string, stageIds: readonly string[], now = new Date()): Promise<Cycle> {
    const { Attributes } = await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: cycleItem.key({ id }),
        UpdateExpression: "SET stageIds = :ids, updatedAt = :now",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":ids": stageIds, ":now": now.toISOString() },
        ReturnValues: "ALL_NEW",
      }),
    );
    return cycleItem.parse(Attributes ?? {});
  }

  /** Leaders' links; an unreadable one is logged and left out (the matcher links that theme). */
  async linkOverrides(id: string): Promise<StoredLinkOverride[]> {
    const item = await getItem(this.db, cycleLinksItem, { cycleId: id });
    return parseEntries("cycle link", linkEntrySchema, linkEntries(item ?? {}), this.db.logger).map(
      ([, link]) => link,
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
    const stored: StoredLinkOverride = {
      fromStage: link.fromStage,
      fromThemeId: link.fromThemeId,
      toThemeId: link.toThemeId,
      at: now.toISOString(),
    };
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: cycleLinksItem.key({ cycleId: id }),
        UpdateExpression:
          "SET #link = :link" +
          (displaced.length ? ` REMOVE ${displaced.map((_, i) => `#old${i}`).join(", ")}` : ""),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ":link": stored },
      }),
    );
  }
}

/**
 * Leadership's responses to a conversation's themes (DESIGN §1). One item per conversation with
 * one attribute per theme, so leaders answering different themes at once never overwrite each
 * other. The item names no person: who wrote a response is in the audit log only.
 */
export class ThemeResponseRepository {
  constructor(private readonly db: Db) {}

  /** Every response, by theme id; an unreadable one is logged and left out. */
  async all(conversationId: string): Promise<StoredThemeResponse[]> {
    const item = await getItem(this.db, themeResponsesItem, { conversationId });
    return parseEntries("theme response", responseEntrySchema, responseEntries(item ?? {}), this.db.logger)
      .map(([, response]) => response)
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
                Key: conversationItem.key({ id: conversationId }),
                ConditionExpression: "#s = :closed",
                ExpressionAttributeNames: { "#s": "state" },
                ExpressionAttributeValues: { ":closed": "closed" },
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: themeResponsesItem.key({ conversationId }),
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
    change: { status?: StoredThemeResponse["status"]; dueDate?: string | null },
    now = new Date(),
  ): Promise<StoredThemeResponse> {
    const current = (await this.all(conversationId)).find((r) => r.themeId === themeId);
    if (!current) throw new NotFoundError("This theme has no response yet; write one first.");
    const { dueDate: _old, ...rest } = current;
    const dueDate = change.dueDate === undefined ? current.dueDate : (change.dueDate ?? undefined);
    const stored: StoredThemeResponse = {
      ...rest,
      ...(dueDate && { dueDate }),
      ...(change.status && { status: change.status }),
      updatedAt: now.toISOString(),
    };
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.db.tableName,
                Key: conversationItem.key({ id: conversationId }),
                ConditionExpression: "#s IN (:closed, :published)",
                ExpressionAttributeNames: { "#s": "state" },
                ExpressionAttributeValues: { ":closed": "closed", ":published": "published" },
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: themeResponsesItem.key({ conversationId }),
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
