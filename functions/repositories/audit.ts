import { randomUUID } from "node:crypto";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "../db/keys.js";
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
  readonly at: string;
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
        const { expiresAt: _expires, ...entry } = withoutKeys(item);
        return entry as unknown as AuditEntry;
      }),
      cursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : undefined,
    };
  }
}
