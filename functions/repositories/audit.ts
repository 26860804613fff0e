import { randomUUID } from "node:crypto";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { keys, today } from "../db/keys.js";
import { decodeCursor, encodeCursor } from "./cycles.js";
import type { Db } from "./db.js";
import { withoutKeys } from "./db.js";

/** Long enough to compare a cycle with the two before it. */
const retentionSeconds = 3 * 366 * 24 * 60 * 60;
const pageSize = 50;

export type AuditDetails = Record<string, string | number | boolean | null>;

export interface AuditInput {
  readonly actorId: string;
  readonly actorEmail?: string;
  /** What happened, as `area.verb`: `cycle.create`, `settings.update`, `theme.respond`… */
  readonly action: string;
  /** What it happened to, as `kind:id`: `cycle:<id>`, `conversation:<id>`, `settings`. */
  readonly target: string;
  readonly details?: AuditDetails;
}

export interface AuditEntry extends AuditInput {
  readonly id: string;
  /** An ISO instant; for moderation tallies only the day (see moderationTally). */
  readonly at: string;
}

/** A moderator as the moderation log shows them: a per-conversation pseudonym and a role. */
export interface ModeratorPseudonym {
  readonly key: string;
  readonly role: string;
}

/**
 * DESIGN §3.1: an audit entry names a person, so it must never name a thought. Conversation and
 * theme ids are fine; a thought id or text is refused outright, as a programming error.
 */
function assertNoThought(input: AuditInput): void {
  const mentionsThought =
    /^thoughts?[:#]/i.test(input.target) || Object.keys(input.details ?? {}).some((k) => /thought/i.test(k));
  if (mentionsThought) throw new Error("Audit entries must not refer to thoughts (DESIGN §3.1).");
}

/** What admins and facilitators did, newest first. One partition: such actions are rare. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /**
   * Issue 9, attack 5: moderation is audited as a tally per day, per conversation, per action and
   * per moderator pseudonym, written in the moderation decision's own transaction. It carries
   * the moderation log's pseudonym and no finer time than the log's day, never an email or a
   * user id, so joining the two logs by time unmasks no one (docs/anonymity.md, "Moderators").
   */
  moderationTally(conversationId: string, action: string, moderator: ModeratorPseudonym, now = new Date()) {
    const day = today(now);
    const id = `${day}:moderation.${action}:${conversationId}:${moderator.key}`;
    return {
      Update: {
        TableName: this.db.tableName,
        Key: keys.auditEntry(day, `moderation.${action}#${conversationId}#${moderator.key}`),
        UpdateExpression:
          "SET id = :id, #at = :day, actorId = :actor, #action = :action, target = :target, #role = :role, expiresAt = :expires ADD decisions :one",
        ExpressionAttributeNames: { "#at": "at", "#action": "action", "#role": "role" },
        ExpressionAttributeValues: {
          ":id": id,
          ":day": day,
          ":actor": moderator.key,
          ":action": `moderation.${action}`,
          ":target": `conversation:${conversationId}`,
          ":role": moderator.role,
          // From the day, not the instant: the expiry is a timestamp too.
          ":expires": Math.floor(Date.parse(day) / 1000) + retentionSeconds,
          ":one": 1,
        },
      },
    };
  }

  async record(input: AuditInput, now = new Date()): Promise<AuditEntry> {
    assertNoThought(input);
    const entry: AuditEntry = { ...input, id: randomUUID(), at: now.toISOString() };
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: {
          ...keys.auditEntry(entry.at, entry.id),
          ...entry,
          expiresAt: Math.floor(now.getTime() / 1000) + retentionSeconds,
        },
      }),
    );
    return entry;
  }

  async list(cursor?: string): Promise<{ entries: AuditEntry[]; cursor?: string }> {
    const result = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.auditPartition },
        ScanIndexForward: false,
        Limit: pageSize,
        ExclusiveStartKey: cursor ? decodeCursor(cursor, keys.auditPartition) : undefined,
      }),
    );
    return {
      entries: (result.Items ?? []).map((item) => {
        const { expiresAt: _expires, decisions, role, ...entry } = withoutKeys(item);
        // A moderation tally: how many decisions that pseudonym made that day, in which role.
        const tally =
          decisions === undefined ? {} : { details: { decisions: Number(decisions), role: String(role) } };
        return { ...entry, ...tally } as unknown as AuditEntry;
      }),
      cursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : undefined,
    };
  }
}
