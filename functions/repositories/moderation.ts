import { randomUUID } from "node:crypto";
import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { cancelledConditions } from "../db/errors.js";
import { keys, today } from "../db/keys.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { AuditRepository, type ModeratorPseudonym } from "./audit.js";
import type { Db } from "./db.js";
import { waitingAdd } from "./rounds.js";
import { isPooled } from "./thoughts.js";

export const flagReasons = ["names-someone", "contact-details", "offensive", "off-topic", "other"] as const;
export type FlagReason = (typeof flagReasons)[number];
export type ModerationAction = "hide" | "restore" | "keep";

export interface ReviewEntry {
  readonly thoughtId: string;
  readonly reasons: string[];
  readonly flags: number;
  readonly state: "open" | "hidden";
}

export interface ModerationLogEntry {
  /** The day only (DESIGN §3.7): an instant beside a thought id is an identifier. */
  readonly at: string;
  readonly thoughtId: string;
  readonly action: ModerationAction;
  /** A per-conversation pseudonym of the moderator and their role: accountable, not identifying. */
  readonly moderatorKey: string;
  readonly role: string;
}

/**
 * DESIGN §3 and issue "Strategy cycles" item 4: flags, the moderator queue and its log. Flags and
 * log entries carry pseudonymous keys, so no record links a person to a thought.
 */
export class ModerationRepository {
  constructor(private readonly db: Db) {}

  /** One flag per person per thought; a repeated flag changes nothing. */
  async flag(
    conversationId: string,
    thoughtId: string,
    flaggerKey: string,
    reason: FlagReason,
  ): Promise<boolean> {
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.db.tableName,
                Item: { ...keys.flag(conversationId, thoughtId, flaggerKey), reason },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: keys.review(conversationId, thoughtId),
                UpdateExpression:
                  "SET thoughtId = :id, reasons = list_append(if_not_exists(reasons, :none), :reason), #st = if_not_exists(#st, :open) ADD flags :one",
                ExpressionAttributeNames: { "#st": "state" },
                ExpressionAttributeValues: {
                  ":id": thoughtId,
                  ":none": [],
                  ":reason": [reason],
                  ":open": "open",
                  ":one": 1,
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledConditions(error)?.includes(0)) return false;
      throw error;
    }
  }

  async queue(conversationId: string, state: "open" | "hidden"): Promise<ReviewEntry[]> {
    const { Items = [] } = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        FilterExpression: "attribute_not_exists(#st) OR #st = :state",
        ExpressionAttributeNames: { "#st": "state" },
        ExpressionAttributeValues: {
          ":pk": keys.conversation(conversationId).pk,
          ":prefix": "REVIEW#",
          ":state": state,
        },
        Limit: 200,
      }),
    );
    return Items.filter((i) => (i.state ?? "open") === state).map((i) => ({
      thoughtId: String(i.thoughtId),
      reasons: [...new Set((i.reasons ?? []) as string[])],
      flags: Number(i.flags ?? 0),
      state: (i.state ?? "open") as "open" | "hidden",
    }));
  }

  /**
   * Hide takes a thought out of rating batches (it leaves the exposure index) and reports; restore
   * and keep make it visible, and it joins the rating pool at the next release round (a thought
   * kept while in the pool, flagged by raters, stays there). The decision, the queue entry, the
   * log line and the audit log's tally are one transaction; the log and the tally both name the
   * moderator by pseudonym, by day.
   */
  async decide(
    conversationId: string,
    thoughtId: string,
    action: ModerationAction,
    moderator: ModeratorPseudonym,
    now = new Date(),
  ): Promise<void> {
    const at = today(now);
    const { Item: current } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.thought(conversationId, thoughtId) }),
    );
    if (!current) throw new NotFoundError("No thought has this id.");
    const stays = action !== "hide" && isPooled(current);
    // Keep and restore wait for a round: the time of a quick pre-moderation decision would
    // otherwise be the time the thought arrived (DESIGN §3.7).
    const thoughtUpdate =
      action === "hide"
        ? {
            UpdateExpression: "SET #st = :hidden, pooled = :no REMOVE expPk",
            condition: "attribute_exists(pk)",
            values: { ":hidden": "hidden", ":no": false },
          }
        : stays
          ? {
              UpdateExpression: "SET needsReview = :no",
              condition: "#st = :visible AND attribute_exists(expPk)",
              values: { ":no": false, ":visible": "visible" },
            }
          : {
              UpdateExpression: "SET #st = :visible, needsReview = :no, pooled = :no REMOVE expPk",
              condition: "#st = :was",
              values: { ":visible": "visible", ":no": false, ":was": String(current.status) },
            };
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.db.tableName,
                Key: keys.thought(conversationId, thoughtId),
                UpdateExpression: thoughtUpdate.UpdateExpression,
                ConditionExpression: thoughtUpdate.condition,
                ExpressionAttributeNames: { "#st": "status" },
                ExpressionAttributeValues: thoughtUpdate.values,
              },
            },
            action === "hide"
              ? {
                  Update: {
                    TableName: this.db.tableName,
                    Key: keys.review(conversationId, thoughtId),
                    UpdateExpression:
                      "SET thoughtId = :id, #st = :hidden, reasons = if_not_exists(reasons, :none)",
                    ExpressionAttributeNames: { "#st": "state" },
                    ExpressionAttributeValues: { ":id": thoughtId, ":hidden": "hidden", ":none": [] },
                  },
                }
              : { Delete: { TableName: this.db.tableName, Key: keys.review(conversationId, thoughtId) } },
            {
              Put: {
                TableName: this.db.tableName,
                Item: {
                  ...keys.moderationLog(conversationId, at, randomUUID()),
                  at,
                  thoughtId,
                  action,
                  moderatorKey: moderator.key,
                  role: moderator.role,
                },
              },
            },
            new AuditRepository(this.db).moderationTally(conversationId, action, moderator, now),
            ...(action !== "hide" && !stays
              ? [waitingAdd(this.db.tableName, conversationId, thoughtId)]
              : []),
          ],
        }),
      );
    } catch (error) {
      if (cancelledConditions(error))
        throw new ConflictError("The thought changed meanwhile; reload the queue.");
      throw error;
    }
  }

  async log(conversationId: string): Promise<ModerationLogEntry[]> {
    const { Items = [] } = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.conversation(conversationId).pk, ":prefix": "MODLOG#" },
        ScanIndexForward: false,
        Limit: 100,
      }),
    );
    return Items.map((i) => ({
      at: String(i.at),
      thoughtId: String(i.thoughtId),
      action: i.action as ModerationAction,
      moderatorKey: String(i.moderatorKey),
      role: String(i.role),
    }));
  }
}
