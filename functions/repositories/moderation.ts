import { randomUUID } from "node:crypto";
import { TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { cancelledConditions, isConditionFailure, withConflictRetry } from "../db/errors.js";
import {
  conversationsWaiting,
  type FlagReason,
  flagItem,
  type ModerationLogEntry,
  moderationLogItem,
  moderationLogOf,
  type ReviewEntry,
  reviewItem,
  reviewsOf,
  waitingCountChange,
  waitingCountItem,
  waitingPartition,
} from "../db/items/moderation.js";
import { type Thought, thoughtItem } from "../db/items/thoughts.js";
import { getItem, queryPage, queryPages } from "../db/query.js";
import type { BulkOutcome } from "../domain/moderation.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { today } from "../lib/day.js";
import { AuditRepository, type ModeratorPseudonym } from "./audit.js";
import { waitingAdd } from "./rounds.js";

const queueLimit = 200;
const logLimit = 100;
/** Transactions one bulk request runs at once. */
const bulkConcurrency = 4;

export type Decision =
  | { readonly action: "hide" | "keep" | "restore" }
  | { readonly action: "redact"; readonly text: string };

/** A thought and its queue entry as read before deciding. */
interface Current {
  readonly thought?: Thought;
  readonly entry?: ReviewEntry;
}

/**
 * Whether a decision can go ahead on what was read: "go", "unchanged" when the thought is already
 * as asked, or the error that explains why not.
 */
function judge({ thought, entry }: Current, decision: Decision): "go" | "unchanged" {
  if (!thought || entry?.state === "held")
    throw new NotFoundError("No thought in this conversation's moderation queue has this id.");
  const kept = !entry && thought.status === "visible";
  const decidedOtherwise = () =>
    new ConflictError(
      `Another moderator decided this thought already: it is ${thought.status === "hidden" ? "hidden" : "visible"} now.`,
    );
  switch (decision.action) {
    case "hide":
      if (entry?.state === "open") return "go";
      if (thought.status === "hidden") return "unchanged";
      throw decidedOtherwise();
    case "keep":
      if (entry?.state === "open") return "go";
      if (kept) return "unchanged";
      throw decidedOtherwise();
    case "restore":
      if (entry?.state === "hidden") return "go";
      if (entry?.state === "open")
        throw new ConflictError(
          "This thought waits for review, it is not hidden: approve or hide it instead.",
        );
      if (kept) return "unchanged";
      throw decidedOtherwise();
    case "redact":
      if (entry?.state === "open") {
        if (decision.text === thought.text)
          throw new ValidationError("The edited text is the same as the thought: approve it instead.", [
            { path: "text", message: "remove the name or detail first" },
          ]);
        return "go";
      }
      if (kept && thought.text === decision.text) return "unchanged";
      throw decidedOtherwise();
  }
}

/**
 * DESIGN §3 and issue "Strategy cycles" item 4: flags, the moderator queue and its log. Flags and
 * log entries carry pseudonymous keys, so no record links a person to a thought.
 */
export class ModerationRepository {
  constructor(private readonly db: Db) {}

  /**
   * One flag per person per thought; a repeated flag changes nothing. A flag on a thought with no
   * queue entry opens one and counts it in the conversation's open count, in one transaction
   * conditional on the entry being absent (or present) as read.
   */
  async flag(
    conversationId: string,
    thoughtId: string,
    flaggerKey: string,
    reason: FlagReason,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const entry = await getItem(this.db, reviewItem, { conversationId, thoughtId }, { consistent: true });
      try {
        await withConflictRetry(() =>
          this.db.doc.send(
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
                    ConditionExpression: entry ? "attribute_exists(pk)" : "attribute_not_exists(pk)",
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
                ...(entry ? [] : [waitingCountChange(this.db.tableName, conversationId, 1)]),
              ],
            }),
          ),
        );
        return true;
      } catch (error) {
        const failed = cancelledConditions(error);
        if (failed?.includes(0)) return false;
        // A moderator decided (or a rater flagged) it between our read and our write: read again.
        if (!failed || attempt >= 3) throw error;
      }
    }
  }

  /** Open (or hidden) entries; an unreadable entry is logged and left out of the queue. */
  async queue(conversationId: string, state: "open" | "hidden"): Promise<ReviewEntry[]> {
    return (await this.queuePage(conversationId, state)).entries;
  }

  /** The queue's one page, and whether it holds the whole queue. */
  private async queuePage(
    conversationId: string,
    state: "open" | "hidden",
    options: { readonly consistent?: boolean } = {},
  ): Promise<{ entries: ReviewEntry[]; complete: boolean }> {
    const { items, lastKey } = await queryPage(this.db, reviewItem, reviewsOf(conversationId), {
      consistent: options.consistent,
      filter: {
        expression: "attribute_not_exists(#st) OR #st = :state",
        names: { "#st": "state" },
        values: { ":state": state },
      },
      limit: queueLimit,
    });
    const entries = items
      .filter((entry) => entry.state === state)
      .map((entry) => ({ ...entry, reasons: [...new Set(entry.reasons)] }));
    return { entries, complete: lastKey === undefined };
  }

  /**
   * Hide takes a thought out of rating batches (it leaves the exposure index) and reports; restore
   * and keep make it visible, and it joins the rating pool at the next release round (a thought
   * kept while in the pool, flagged by raters, stays there). Redact is keep with the moderator's
   * edited text: the text is replaced, the original is not kept anywhere. The decision, the queue
   * entry, the log line and the audit log's tally are one transaction, conditional on the thought
   * and its queue entry being as they were read; the log and the tally both name the moderator by
   * pseudonym, by day.
   *
   * "unchanged" when the thought is already as asked (a repeated request, or another moderator
   * did the same): nothing is written twice. A thought another moderator decided differently is a
   * ConflictError; one not (yet) in the queue a NotFoundError.
   */
  async decide(
    conversationId: string,
    thoughtId: string,
    decision: Decision,
    moderator: ModeratorPseudonym,
    now = new Date(),
    read?: Current,
  ): Promise<"done" | "unchanged"> {
    const current = read ?? (await this.current(conversationId, thoughtId));
    const verdict = judge(current, decision);
    if (verdict !== "go") return verdict;
    try {
      await withConflictRetry(() =>
        this.db.doc.send(
          new TransactWriteCommand({
            TransactItems: this.decision(conversationId, thoughtId, decision, current, moderator, now),
          }),
        ),
      );
      if (current.entry?.state === "open") await this.leaveIndexAtZero(conversationId);
      return "done";
    } catch (error) {
      if (!cancelledConditions(error)) throw error;
      // Someone decided it between our read and our write: say what it is now.
      const again = judge(await this.current(conversationId, thoughtId), decision);
      if (again === "unchanged") return again;
      throw new ConflictError("Another moderator decided this thought meanwhile; reload the queue.");
    }
  }

  /**
   * Several thoughts, one decision, each in its own conditional transaction (a few at a time): one
   * thought's conflict never undoes another's. Reads all of them in two batch reads first.
   */
  async decideMany(
    conversationId: string,
    thoughtIds: readonly string[],
    decision: Decision,
    moderator: ModeratorPseudonym,
    now = new Date(),
  ): Promise<{ thoughtId: string; outcome: BulkOutcome; detail?: string }[]> {
    const fields = thoughtIds.map((thoughtId) => ({ conversationId, thoughtId }));
    const [thoughts, entries] = await Promise.all([
      batchGet(
        this.db,
        thoughtItem,
        fields.map((f) => ({ conversationId, id: f.thoughtId })),
      ),
      batchGet(this.db, reviewItem, fields),
    ]);
    const results: { thoughtId: string; outcome: BulkOutcome; detail?: string }[] = [];
    const next = thoughtIds.entries();
    const worker = async () => {
      for (const [i, thoughtId] of next) {
        const read = { thought: thoughts[i], entry: entries[i] };
        try {
          results[i] = {
            thoughtId,
            outcome: await this.decide(conversationId, thoughtId, decision, moderator, now, read),
          };
        } catch (error) {
          if (error instanceof NotFoundError)
            results[i] = { thoughtId, outcome: "not-found", detail: error.message };
          else if (error instanceof ConflictError)
            results[i] = { thoughtId, outcome: "conflict", detail: error.message };
          else throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: bulkConcurrency }, worker));
    return results;
  }

  private async current(conversationId: string, thoughtId: string): Promise<Current> {
    const [thought, entry] = await Promise.all([
      getItem(this.db, thoughtItem, { conversationId, id: thoughtId }, { consistent: true }),
      getItem(this.db, reviewItem, { conversationId, thoughtId }, { consistent: true }),
    ]);
    return { thought, entry };
  }

  private decision(
    conversationId: string,
    thoughtId: string,
    decision: Decision,
    { thought, entry }: Current,
    moderator: ModeratorPseudonym,
    now: Date,
  ) {
    if (!thought || !entry) throw new Error("judge() lets only a thought with a queue entry through");
    const { action } = decision;
    const stays = action !== "hide" && thought.pooled;
    // Keep, restore and redact wait for a round: the time of a quick pre-moderation decision
    // would otherwise be the time the thought arrived (DESIGN §3.7).
    const text: Record<string, string> = decision.action === "redact" ? { "#text": "text" } : {};
    const edit = decision.action === "redact" ? ", #text = :text, editedByModerator = :yes" : "";
    const editValues: Record<string, unknown> =
      decision.action === "redact" ? { ":text": decision.text, ":yes": true } : {};
    const thoughtUpdate =
      action === "hide"
        ? {
            UpdateExpression: "SET #st = :hidden, pooled = :no REMOVE expPk",
            condition: "#st = :was",
            values: { ":hidden": "hidden", ":no": false, ":was": thought.status },
          }
        : stays
          ? {
              UpdateExpression: `SET needsReview = :no${edit}`,
              condition: "#st = :visible AND attribute_exists(expPk)",
              values: { ":no": false, ":visible": "visible", ...editValues },
            }
          : {
              UpdateExpression: `SET #st = :visible, needsReview = :no, pooled = :no${edit} REMOVE expPk`,
              condition: "#st = :was",
              values: { ":visible": "visible", ":no": false, ":was": thought.status, ...editValues },
            };
    // The queue entry must still be in the state it was read in (open, or hidden for restore).
    const entryCondition =
      entry.state === "hidden"
        ? { ConditionExpression: "#st = :from", ExpressionAttributeValues: { ":from": "hidden" } }
        : {
            ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(#st) OR #st = :from)",
            ExpressionAttributeValues: { ":from": "open" },
          };
    return [
      {
        Update: {
          TableName: this.db.tableName,
          Key: thoughtItem.key({ conversationId, id: thoughtId }),
          UpdateExpression: thoughtUpdate.UpdateExpression,
          ConditionExpression: thoughtUpdate.condition,
          ExpressionAttributeNames: { "#st": "status", ...text },
          ExpressionAttributeValues: thoughtUpdate.values,
        },
      },
      action === "hide"
        ? {
            Update: {
              TableName: this.db.tableName,
              Key: reviewItem.key({ conversationId, thoughtId }),
              UpdateExpression: "SET #st = :hidden",
              ConditionExpression: entryCondition.ConditionExpression,
              ExpressionAttributeNames: { "#st": "state" },
              ExpressionAttributeValues: { ":hidden": "hidden", ...entryCondition.ExpressionAttributeValues },
            },
          }
        : {
            Delete: {
              TableName: this.db.tableName,
              Key: reviewItem.key({ conversationId, thoughtId }),
              ConditionExpression: entryCondition.ConditionExpression,
              ExpressionAttributeNames: { "#st": "state" },
              ExpressionAttributeValues: entryCondition.ExpressionAttributeValues,
            },
          },
      {
        Put: {
          TableName: this.db.tableName,
          Item: moderationLogItem.toItem({
            conversationId,
            id: randomUUID(),
            at: today(now),
            thoughtId,
            action,
            moderatorKey: moderator.key,
            role: moderator.role,
          }),
        },
      },
      new AuditRepository(this.db).moderationTally(conversationId, action, moderator, now),
      // An open entry decided leaves the open count; restoring a hidden one does not change it.
      ...(entry.state === "open" ? [waitingCountChange(this.db.tableName, conversationId, -1)] : []),
      ...(action !== "hide" && !stays ? [waitingAdd(this.db.tableName, conversationId, thoughtId)] : []),
    ];
  }

  /**
   * Every conversation with open entries and how many (the navigation's count): one Query of the
   * counts' index, whatever the number of conversations (a count is indexed only while it may be
   * above zero). Largest first.
   */
  async waitingCounts(): Promise<{ conversationId: string; open: number }[]> {
    const counts: { conversationId: string; open: number }[] = [];
    for await (const page of queryPages(this.db, waitingCountItem, conversationsWaiting, {
      filter: { expression: "#open > :zero", names: { "#open": "open" }, values: { ":zero": 0 } },
    }))
      counts.push(...page);
    return counts.sort((a, b) => b.open - a.open || a.conversationId.localeCompare(b.conversationId));
  }

  /**
   * A count that fell to zero leaves the index, so the navigation's Query reads only conversations
   * with something to decide. Conditional on it being zero still: an entry opened meanwhile keeps
   * it indexed. If this write is lost, the count stays indexed at zero (filtered out) until the
   * next decision.
   */
  private async leaveIndexAtZero(conversationId: string): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: waitingCountItem.key({ conversationId }),
          UpdateExpression: "REMOVE gsi1pk, gsi1sk",
          ConditionExpression: "#open <= :zero",
          ExpressionAttributeNames: { "#open": "open" },
          ExpressionAttributeValues: { ":zero": 0 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * The open queue as a moderator reads it, and a check of the count against it: when the whole
   * queue fits the page and the count read just before disagrees (entries from before the count
   * existed), the count is set to what the queue holds — conditional on the count being what was
   * read, so a change between the two reads is never overwritten.
   */
  async openQueue(conversationId: string): Promise<ReviewEntry[]> {
    const stored = await getItem(this.db, waitingCountItem, { conversationId }, { consistent: true });
    const { entries, complete } = await this.queuePage(conversationId, "open", { consistent: true });
    if (!complete || stored?.open === entries.length) return entries;
    const open = entries.length;
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: waitingCountItem.key({ conversationId }),
          UpdateExpression:
            open > 0
              ? "SET conversationId = :id, #open = :open, gsi1pk = :index, gsi1sk = :id"
              : "SET conversationId = :id, #open = :open REMOVE gsi1pk, gsi1sk",
          ConditionExpression: stored ? "#open = :was" : "attribute_not_exists(pk)",
          ExpressionAttributeNames: { "#open": "open" },
          ExpressionAttributeValues: {
            ":id": conversationId,
            ":open": open,
            ...(open > 0 && { ":index": waitingPartition }),
            ...(stored && { ":was": stored.open }),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return entries;
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
