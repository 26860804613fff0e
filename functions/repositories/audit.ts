import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { type AuditEntry, auditEntryItem, auditLog } from "../db/items/audit.js";
import { queryPage, type StoredKey } from "../db/query.js";
import { today } from "../lib/day.js";

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
        Key: auditEntryItem.key({ at: day, id: `moderation.${action}#${conversationId}#${moderator.key}` }),
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
        Item: auditEntryItem.toItem(entry, {
          expiresAt: Math.floor(now.getTime() / 1000) + retentionSeconds,
        }),
      }),
    );
    return entry;
  }

  /** One page, newest first; an entry that fails its schema is logged and left out. */
  async list(startKey?: StoredKey): Promise<{ entries: AuditEntry[]; lastKey?: StoredKey }> {
    const { items, lastKey } = await queryPage(this.db, auditEntryItem, auditLog, {
      newestFirst: true,
      limit: pageSize,
      startKey,
    });
    // A moderation tally: how many decisions that pseudonym made that day, in which role.
    const entries = items.map(({ decisions, role, ...entry }) =>
      decisions === undefined ? entry : { ...entry, details: { decisions, role: role ?? "" } },
    );
    return { entries, ...(lastKey && { lastKey }) };
  }
}
