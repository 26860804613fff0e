import { randomUUID } from "node:crypto";
import { TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { cancelledConditions, isConditionFailure } from "../db/errors.js";
import {
  type CounterField,
  conversationItem,
  conversationList,
  counterShardItem,
  counterShards,
  counterShardsOf,
  type StoredConversation,
} from "../db/items/conversations.js";
import { getItem, queryPage, type StoredKey } from "../db/query.js";
import type { Counts, CreateConversation, UpdateConversation } from "../domain/conversation.js";
import { settingsSchema } from "../domain/conversation.js";
import {
  assertTransition,
  type ConversationState,
  settingsEditable,
  textEditable,
} from "../domain/lifecycle.js";
import { templates } from "../domain/templates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { idempotencyPut, replayedResult } from "./idempotency.js";

const listPageSize = 100;

/**
 * A new draft conversation from a create request, checked against the stored schema: a value the
 * table could not hold is a ValidationError here, before anything is written (cycles create
 * three of these and check all three first).
 */
export function draftConversation(
  input: CreateConversation,
  invited: number,
  now = new Date(),
): StoredConversation {
  const template = templates[input.template];
  const title = input.title ?? template.title;
  const prompt = input.prompt ?? template.prompt;
  if (!title || !prompt) {
    throw new ValidationError("A custom conversation needs a title and a question.", [
      ...(title ? [] : [{ path: "title", message: "required for a custom question" }]),
      ...(prompt ? [] : [{ path: "prompt", message: "required for a custom question" }]),
    ]);
  }
  const at = now.toISOString();
  const draft = {
    id: randomUUID(),
    template: input.template,
    title,
    prompt,
    context: input.context ?? "",
    state: "draft" as const,
    audience: input.audience ?? { kind: "everyone" as const },
    schedule: input.schedule ?? null,
    settings: settingsSchema.parse(input.settings ?? {}),
    cycleId: input.cycleId ?? null,
    createdAt: at,
    updatedAt: at,
    stateChangedAt: at,
    version: 1,
    invited,
  };
  conversationItem.toItem(draft);
  return draft;
}

export class ConversationRepository {
  constructor(private readonly db: Db) {}

  /** Creates the conversation and its idempotency record together; a replay returns the first one. */
  async createOnce(
    input: CreateConversation,
    invited: number,
    idempotency: { recordKey: string; requestHash: string },
    now = new Date(),
  ): Promise<StoredConversation> {
    const conversation = draftConversation(input, invited, now);
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            idempotencyPut(
              this.db.tableName,
              idempotency.recordKey,
              { resultId: conversation.id, requestHash: idempotency.requestHash },
              now,
            ),
            {
              Put: {
                TableName: this.db.tableName,
                Item: conversationItem.toItem(conversation),
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
    return conversation;
  }

  async get(id: string): Promise<StoredConversation> {
    const conversation = await getItem(this.db, conversationItem, { id });
    if (!conversation) throw new NotFoundError("No conversation has this id.");
    return conversation;
  }

  /** Several conversations by id (one BatchGet per 100); an absent one is left out of the map. */
  async getMany(ids: readonly string[]): Promise<Map<string, StoredConversation>> {
    const found = await batchGet(
      this.db,
      conversationItem,
      ids.map((id) => ({ id })),
    );
    return new Map(found.flatMap((c) => (c ? [[c.id, c] as const] : [])));
  }

  /**
   * Newest first, one page; `startKey` continues from a page's `lastKey`. A conversation that
   * fails its schema is logged and left out, so one bad item never takes the list down.
   */
  async list(startKey?: StoredKey): Promise<{ items: StoredConversation[]; lastKey?: StoredKey }> {
    return queryPage(this.db, conversationItem, conversationList, {
      newestFirst: true,
      limit: listPageSize,
      startKey,
    });
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
  ): Promise<StoredConversation> {
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
    // The edited conversation must still be one the table can hold.
    conversationItem.toItem({ ...current, ...next });
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
          Key: conversationItem.key({ id }),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: "attribute_exists(pk) AND #v = :expectedVersion AND #s = :expectedState",
          ExpressionAttributeNames: { ...names, "#v": "version", "#s": "state" },
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return conversationItem.parse(Attributes ?? {});
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
  ): Promise<StoredConversation> {
    const from = expected ?? (await this.get(id)).state;
    assertTransition(from, to);
    try {
      const { Attributes } = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: conversationItem.key({ id }),
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
      return conversationItem.parse(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(`The conversation is no longer ${from}; someone else moved it first.`);
      }
      throw error;
    }
  }

  /** Sums the sharded counters (one Query of at most `counterShards` small items). */
  async counts(id: string, invited: number): Promise<Counts> {
    const { items } = await queryPage(this.db, counterShardItem, counterShardsOf(id), {
      limit: counterShards,
    });
    const sum = (field: CounterField) => items.reduce((total, item) => total + item[field], 0);
    return {
      invited,
      participants: sum("participants"),
      thoughts: sum("thoughts"),
      ratings: sum("ratings"),
      skips: sum("skips"),
    };
  }
}
