import { randomUUID } from "node:crypto";
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { cancelledConditions, isConditionFailure } from "../db/errors.js";
import { counterShards, keys } from "../db/keys.js";
import type { Conversation, Counts, CreateConversation, UpdateConversation } from "../domain/conversation.js";
import { conversationSchema, settingsSchema } from "../domain/conversation.js";
import {
  assertTransition,
  type ConversationState,
  settingsEditable,
  textEditable,
} from "../domain/lifecycle.js";
import { templates } from "../domain/templates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { type Db, withoutKeys } from "./db.js";
import { idempotencyPut, replayedResult } from "./idempotency.js";

const listPageSize = 100;

/** A conversation with what the storage keeps beside it: audience size and report/job pointers. */
export type StoredConversation = Conversation & {
  invited: number;
  reportVersion?: number;
  approvedReportVersion?: number;
  activeJobId?: string;
  lastJobId?: string;
};

function toStored(item: Record<string, unknown>): StoredConversation {
  return {
    ...conversationSchema.parse(withoutKeys(item)),
    invited: Number(item.invited ?? 0),
    ...(item.reportVersion !== undefined && { reportVersion: Number(item.reportVersion) }),
    ...(item.approvedReportVersion !== undefined && {
      approvedReportVersion: Number(item.approvedReportVersion),
    }),
    ...(typeof item.activeJobId === "string" && { activeJobId: item.activeJobId }),
    ...(typeof item.lastJobId === "string" && { lastJobId: item.lastJobId }),
  };
}

export class ConversationRepository {
  constructor(private readonly db: Db) {}

  /** Creates the conversation and its idempotency record together; a replay returns the first one. */
  async createOnce(
    input: CreateConversation,
    invited: number,
    idempotency: { recordKey: string; requestHash: string },
    now = new Date(),
  ): Promise<Conversation & { invited: number }> {
    const template = templates[input.template];
    const title = input.title ?? template.title;
    const prompt = input.prompt ?? template.prompt;
    if (!title || !prompt) {
      throw new ValidationError("A custom conversation needs a title and a question.", [
        ...(title ? [] : [{ path: "title", message: "required for a custom question" }]),
        ...(prompt ? [] : [{ path: "prompt", message: "required for a custom question" }]),
      ]);
    }
    const id = randomUUID();
    const at = now.toISOString();
    const conversation: Conversation = {
      id,
      template: input.template,
      title,
      prompt,
      context: input.context ?? "",
      state: "draft",
      audience: input.audience ?? { kind: "everyone" },
      schedule: input.schedule ?? null,
      settings: settingsSchema.parse(input.settings ?? {}),
      cycleId: input.cycleId ?? null,
      createdAt: at,
      updatedAt: at,
      stateChangedAt: at,
      version: 1,
    };
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
                Item: {
                  ...keys.conversation(id),
                  ...keys.conversationList(at, id),
                  ...conversation,
                  invited,
                },
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
    return { ...conversation, invited };
  }

  async get(id: string): Promise<StoredConversation> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.conversation(id) }),
    );
    if (!Item) throw new NotFoundError("No conversation has this id.");
    return toStored(Item);
  }

  /** Newest first, one page; the UI pages with the cursor. */
  async list(cursor?: string): Promise<{ items: StoredConversation[]; cursor?: string }> {
    const result = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": "CONVS" },
        ScanIndexForward: false,
        Limit: listPageSize,
        ExclusiveStartKey: cursor ? JSON.parse(Buffer.from(cursor, "base64url").toString()) : undefined,
      }),
    );
    return {
      items: (result.Items ?? []).map(toStored),
      cursor: result.LastEvaluatedKey
        ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString("base64url")
        : undefined,
    };
  }

  /**
   * Edits are conditional on the version the caller read and on a state that still allows them,
   * so two facilitators editing at once cannot overwrite each other silently.
   */
  async update(
    id: string,
    patch: UpdateConversation,
    invited: number | undefined,
    now = new Date(),
  ): Promise<Conversation> {
    const current = await this.get(id);
    const touchesSettings =
      patch.settings !== undefined || patch.audience !== undefined || patch.schedule !== undefined;
    if (touchesSettings && !settingsEditable(current.state)) {
      throw new ConflictError(
        `Settings, audience and schedule cannot change once a conversation is ${current.state}.`,
      );
    }
    if (!textEditable(current.state)) {
      throw new ConflictError(`A ${current.state} conversation cannot be edited.`);
    }
    const next = {
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.prompt !== undefined && { prompt: patch.prompt }),
      ...(patch.context !== undefined && { context: patch.context }),
      ...(patch.audience !== undefined && { audience: patch.audience }),
      ...(patch.schedule !== undefined && { schedule: patch.schedule }),
      ...(patch.settings !== undefined && {
        settings: settingsSchema.parse({ ...current.settings, ...patch.settings }),
      }),
      ...(invited !== undefined && { invited }),
      updatedAt: now.toISOString(),
      version: current.version + 1,
    };
    const names: Record<string, string> = {};
    // Condition placeholders are prefixed so they cannot collide with the SET values below.
    const values: Record<string, unknown> = {
      ":expectedVersion": current.version,
      ":expectedState": current.state,
    };
    const sets = Object.entries(next).map(([name, value]) => {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      return `#${name} = :${name}`;
    });
    try {
      const { Attributes } = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.conversation(id),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: "attribute_exists(pk) AND #v = :expectedVersion AND #s = :expectedState",
          ExpressionAttributeNames: { ...names, "#v": "version", "#s": "state" },
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return conversationSchema.parse(withoutKeys(Attributes ?? {}));
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError("The conversation changed while you were editing it. Reload and try again.");
      }
      throw error;
    }
  }

  /**
   * DESIGN §1: a transition is a conditional update on the expected current state, so duplicate
   * or late requests (and scheduler runs) change nothing.
   */
  async transition(
    id: string,
    to: ConversationState,
    expected?: ConversationState,
    extra: { invited?: number } = {},
    now = new Date(),
  ): Promise<Conversation> {
    const from = expected ?? (await this.get(id)).state;
    assertTransition(from, to);
    try {
      const { Attributes } = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.conversation(id),
          UpdateExpression:
            "SET #s = :to, stateChangedAt = :now, updatedAt = :now, version = version + :one" +
            (extra.invited !== undefined ? ", invited = :invited" : ""),
          ConditionExpression: "#s = :from",
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: {
            ":to": to,
            ":from": from,
            ":now": now.toISOString(),
            ":one": 1,
            ...(extra.invited !== undefined && { ":invited": extra.invited }),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return conversationSchema.parse(withoutKeys(Attributes ?? {}));
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(`The conversation is no longer ${from}; someone else moved it first.`);
      }
      throw error;
    }
  }

  /** Sums the sharded counters (one Query of at most `counterShards` small items). */
  async counts(id: string, invited: number): Promise<Counts> {
    const { Items = [] } = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.conversation(id).pk, ":prefix": "COUNT#" },
        Limit: counterShards,
      }),
    );
    const sum = (field: string) => Items.reduce((total, item) => total + Number(item[field] ?? 0), 0);
    return {
      invited,
      participants: sum("participants"),
      thoughts: sum("thoughts"),
      ratings: sum("ratings"),
      skips: sum("skips"),
    };
  }
}
