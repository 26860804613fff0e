import { randomUUID } from "node:crypto";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { cancelledConditions } from "../db/errors.js";
import {
  type FlagReason,
  flagItem,
  type ModerationAction,
  type ModerationLogEntry,
  moderationLogItem,
  moderationLogOf,
  type ReviewEntry,
  reviewItem,
  reviewsOf,
} from "../db/items/moderation.js";
import { thoughtItem } from "../db/items/thoughts.js";
import { getItem, queryPage } from "../db/query.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { today } from "../lib/day.js";
import { AuditRepository, type ModeratorPseudonym } from "./audit.js";
import { waitingAdd } from "./rounds.js";

const queueLimit = 200;
const logLimit = 100;

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
                Item: flagItem.toItem({ conversationId, thoughtId, flaggerKey, reason }),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: reviewItem.key({ conversationId, thoughtId }),
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

  /** Open (or hidden) entries; an unreadable entry is logged and left out of the queue. */
  async queue(conversationId: string, state: "open" | "hidden"): Promise<ReviewEntry[]> {
    const { items } = await queryPage(this.db, reviewItem, reviewsOf(conversationId), {
      filter: {
        expression: "attribute_not_exists(#st) OR #st = :state",
        names: { "#st": "state" },
        values: { ":state": state },
      },
      limit: queueLimit,
    });
    return items
      .filter((entry) => entry.state === state)
      .map((entry) => ({ ...entry, reasons: [...new Set(entry.reasons)] }));
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
    const current = await getItem(this.db, thoughtItem, { conversationId, id: thoughtId });
    if (!current) throw new NotFoundError("No thought has this id.");
    const stays = action !== "hide" && current.pooled;
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
              values: { ":visible": "visible", ":no": false, ":was": current.status },
            };
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.db.tableName,
                Key: thoughtItem.key({ conversationId, id: thoughtId }),
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
                    Key: reviewItem.key({ conversationId, thoughtId }),
                    UpdateExpression:
                      "SET thoughtId = :id, #st = :hidden, reasons = if_not_exists(reasons, :none)",
                    ExpressionAttributeNames: { "#st": "state" },
                    ExpressionAttributeValues: { ":id": thoughtId, ":hidden": "hidden", ":none": [] },
                  },
                }
              : {
                  Delete: {
                    TableName: this.db.tableName,
                    Key: reviewItem.key({ conversationId, thoughtId }),
                  },
                },
            {
              Put: {
                TableName: this.db.tableName,
                Item: moderationLogItem.toItem({
                  conversationId,
                  id: randomUUID(),
                  at,
                  thoughtId,
                  action,
                  moderatorKey: moderator.key,
                  role: moderator.role,
                }),
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

  /** Newest first; an unreadable entry is logged and left out. */
  async log(conversationId: string): Promise<ModerationLogEntry[]> {
    return (
      await queryPage(this.db, moderationLogItem, moderationLogOf(conversationId), {
        newestFirst: true,
        limit: logLimit,
      })
    ).items;
  }
}
