import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet, batchWrite } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { nameIndexChunkItem, nameIndexVersionItem } from "../db/items/names.js";
import { getItem } from "../db/query.js";
import { mentionsDirectoryPerson, nameIndexEntries, nameLookupKeys } from "../domain/screen-names.js";
import { ServiceUnavailableError } from "../errors.js";

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
    await batchWrite(
      this.db,
      chunks.map((entries, chunk) => nameIndexChunkItem.toItem({ chunk, entries })),
    );
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: nameIndexVersionItem.toItem({ version: randomUUID(), chunks: chunks.length }),
      }),
    );
    const stale = Array.from({ length: Math.max(0, (before?.chunks ?? 0) - chunks.length) }, (_, i) =>
      nameIndexChunkItem.key({ chunk: chunks.length + i }),
    );
    await batchWrite(this.db, [], stale);
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
    return getItem(this.db, nameIndexVersionItem, {});
  }

  private async entries(): Promise<ReadonlyMap<string, number>> {
    const current = await this.version();
    if (!current) return new Map();
    const known = cached.get(this.db.tableName);
    if (known?.version === current.version) return known.entries;
    const chunks = await batchGet(
      this.db,
      nameIndexChunkItem,
      Array.from({ length: current.chunks }, (_, chunk) => ({ chunk })),
    );
    // A thought checked against part of the index could reach raters naming someone: refuse instead.
    if (chunks.some((chunk) => chunk === undefined)) {
      throw new ServiceUnavailableError("The name index is being rebuilt. Please try again.");
    }
    const entries = new Map<string, number>();
    for (const chunk of chunks)
      for (const [key, count] of Object.entries(chunk!.entries)) entries.set(key, count);
    cached.set(this.db.tableName, { version: current.version, entries });
    return entries;
  }
}
