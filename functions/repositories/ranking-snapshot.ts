import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "../db/keys.js";
import type { RatedCandidate } from "../domain/adaptive.js";
import { buildContenderSnapshot, type ContenderSnapshot } from "../domain/contender-snapshot.js";
import { type Histogram, histogramFromRecord, type Prior } from "../domain/statistics.js";
import type { Db } from "./db.js";
import type { ThoughtRepository } from "./thoughts.js";

/**
 * The contender snapshot (domain/contender-snapshot.ts) as one item per conversation. The
 * scheduler rewrites it every run, so it is at most one run old.
 */
export interface RankingSnapshot extends ContenderSnapshot {
  readonly computedAt: string;
}

interface StoredContender {
  readonly id: string;
  readonly a: string;
  readonly e: number;
  readonly h: Histogram;
}

export class RankingSnapshotRepository {
  constructor(private readonly db: Db) {}

  /** One GetItem. Undefined until the scheduler has computed one. */
  async get(conversationId: string): Promise<RankingSnapshot | undefined> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.rankingSnapshot(conversationId) }),
    );
    if (!Item) return undefined;
    return {
      computedAt: String(Item.computedAt),
      prior: Item.prior as Prior,
      thoughts: Number(Item.thoughts),
      minRatings: Number(Item.minRatings),
      meanRatings: Number(Item.meanRatings),
      meanExposure: Number(Item.meanExposure),
      contenders: ((Item.contenders ?? []) as StoredContender[]).map((c) => ({
        id: c.id,
        authorKey: c.a,
        exposure: Number(c.e),
        histogram: [...c.h] as unknown as Histogram,
      })),
    };
  }

  /**
   * Reads every thought of the conversation (paginated, a job not a request) and writes the
   * snapshot; returns it. Only pooled thoughts count, as the byExposure index holds them: hidden,
   * pending and thoughts waiting for a release round are left out.
   */
  async refresh(thoughts: ThoughtRepository, conversationId: string, now: Date): Promise<RankingSnapshot> {
    const visible: RatedCandidate[] = [];
    for await (const page of thoughts.all(conversationId)) {
      for (const t of page) {
        if (!t.pooled) continue;
        visible.push({
          id: t.id,
          authorKey: t.authorKey,
          exposure: t.exposure,
          histogram: histogramFromRecord(t.histogram),
        });
      }
    }
    const snapshot: RankingSnapshot = { computedAt: now.toISOString(), ...buildContenderSnapshot(visible) };
    const contenders: StoredContender[] = snapshot.contenders.map((c) => ({
      id: c.id,
      a: c.authorKey,
      e: c.exposure,
      h: c.histogram,
    }));
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: { ...keys.rankingSnapshot(conversationId), ...snapshot, contenders },
      }),
    );
    return snapshot;
  }
}
