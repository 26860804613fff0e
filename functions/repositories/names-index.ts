import { randomUUID } from "node:crypto";
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  GetCommand,
  PutCommand,
} from "@aws-sdk/lib-dynamodb";
import { keys } from "../db/keys.js";
import { mentionsDirectoryPerson, nameIndexEntries, nameLookupKeys } from "../domain/screen-names.js";
import { ServiceUnavailableError } from "../errors.js";
import type { Db } from "./db.js";

/**
 * DESIGN §3.5: the directory's names, for the share route to hold a thought that names someone.
 * The index (screen-names.ts: first names with counts, surnames, full names) is written as a few
 * chunk items plus a version item whenever the directory changes. A process keeps the version it
 * last read in memory: checking a thought is one GetItem of the version (half a read unit), and
 * the chunks are read again only when it changed — one BatchGetItem. A company of a few thousand
 * people fits one chunk. It lives on the server only: no route returns it, and a share tells its
 * author "it seems to name someone", never which person (docs/anonymity.md, "Names and the
 * directory").
 */
/** DynamoDB's item limit is 400 KB; each chunk stays well under it. */
const chunkBytes = 300_000;
/** BatchGetItem's limit: the whole index is one call (some 2 million people). */
const maxChunks = 100;

type WriteRequests = NonNullable<BatchWriteCommandInput["RequestItems"]>[string];

/** The index as this process last read it, per table (tests run many tables in one process). */
const cached = new Map<string, { version: string; entries: ReadonlyMap<string, number> }>();

export class NamesIndexRepository {
  constructor(private readonly db: Db) {}

  /**
   * Writes the whole index from the people given (everyone in the directory, active or not: a
   * former colleague is still a person), then the new version, which names how many chunks to
   * read; chunks past it from a larger directory before are deleted.
   */
  async rebuild(people: readonly { readonly name: string }[]): Promise<void> {
    const chunks: Record<string, number>[] = [{}];
    let size = 0;
    for (const [key, count] of nameIndexEntries(people.map((p) => p.name))) {
      const bytes = key.length + 12;
      if (size + bytes > chunkBytes) {
        chunks.push({});
        size = 0;
      }
      chunks.at(-1)![key] = count;
      size += bytes;
    }
    if (chunks.length > maxChunks) {
      throw new Error("The directory is too large for the name index (see names-index.ts).");
    }
    const before = await this.version();
    await this.write(
      chunks.map((entries, i) => ({ PutRequest: { Item: { ...keys.nameIndexChunk(i), entries } } })),
    );
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: { ...keys.nameIndexVersion(), version: randomUUID(), chunks: chunks.length },
      }),
    );
    const stale = Array.from({ length: Math.max(0, (before?.chunks ?? 0) - chunks.length) }, (_, i) => ({
      DeleteRequest: { Key: keys.nameIndexChunk(chunks.length + i) },
    }));
    await this.write(stale);
  }

  /** True when the (cleaned, redacted) text names someone in the directory. */
  async mentions(text: string): Promise<boolean> {
    const wanted = nameLookupKeys(text);
    if (wanted.length === 0) return false;
    const entries = await this.entries();
    const found = new Map<string, number>();
    for (const key of wanted) {
      const count = entries.get(key);
      if (count !== undefined) found.set(key, count);
    }
    return mentionsDirectoryPerson(found);
  }

  private async version(): Promise<{ version: string; chunks: number } | undefined> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.nameIndexVersion() }),
    );
    return Item ? { version: String(Item.version), chunks: Number(Item.chunks ?? 0) } : undefined;
  }

  private async entries(): Promise<ReadonlyMap<string, number>> {
    const current = await this.version();
    if (!current) return new Map();
    const known = cached.get(this.db.tableName);
    if (known?.version === current.version) return known.entries;
    const entries = new Map<string, number>();
    let pending: Record<string, unknown>[] = Array.from({ length: current.chunks }, (_, i) =>
      keys.nameIndexChunk(i),
    );
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
      const result = await this.db.doc.send(
        new BatchGetCommand({
          RequestItems: { [this.db.tableName]: { Keys: pending, ProjectionExpression: "entries" } },
        }),
      );
      for (const item of result.Responses?.[this.db.tableName] ?? []) {
        for (const [key, count] of Object.entries((item.entries ?? {}) as Record<string, unknown>)) {
          if (typeof count === "number") entries.set(key, count);
        }
      }
      pending = (result.UnprocessedKeys?.[this.db.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    // A thought checked against part of the index could reach raters naming someone: refuse instead.
    if (pending.length > 0) throw new ServiceUnavailableError("The data store is busy. Please try again.");
    cached.set(this.db.tableName, { version: current.version, entries });
    return entries;
  }

  private async write(requests: WriteRequests): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let batch = requests.slice(i, i + 25);
      for (let attempt = 0; batch.length > 0; attempt++) {
        const result = await this.db.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.db.tableName]: batch } }),
        );
        batch = result.UnprocessedItems?.[this.db.tableName] ?? [];
        if (batch.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
      }
    }
  }
}
