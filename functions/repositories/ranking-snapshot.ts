import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { rankingSnapshotItem } from "../db/items/ranking-snapshot.js";
import { getItem } from "../db/query.js";
import type { RatedCandidate } from "../domain/adaptive.js";
import { buildContenderSnapshot, type ContenderSnapshot } from "../domain/contender-snapshot.js";
import { histogramFromRecord } from "../domain/statistics.js";
import type { ThoughtRepository } from "./thoughts.js";

/**
 * The contender snapshot (domain/contender-snapshot.ts) as one item per conversation. The
 * scheduler rewrites it every run, so it is at most one run old.
 */
export interface RankingSnapshot extends ContenderSnapshot {
  readonly computedAt: string;
}

export class RankingSnapshotRepository {
  constructor(private readonly db: Db) {}

  /** One GetItem. Undefined until the scheduler has computed one. */
  async get(conversationId: string): Promise<RankingSnapshot | undefined> {
    const stored = await getItem(this.db, rankingSnapshotItem, { conversationId });
    if (!stored) return undefined;
    return {
      ...stored,
      contenders: stored.contenders.map((c) => ({ id: c.id, authorKey: c.a, exposure: c.e, histogram: c.h })),
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
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: rankingSnapshotItem.toItem({
          conversationId,
          ...snapshot,
          contenders: snapshot.contenders.map((c) => ({
            id: c.id,
            a: c.authorKey,
            e: c.exposure,
            h: [...c.histogram],
          })),
        }),
      }),
    );
    return snapshot;
  }
}
