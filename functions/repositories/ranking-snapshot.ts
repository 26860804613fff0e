import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "../db/keys.js";
import { defaultAdaptivePolicy, type RatedCandidate, snapshotContenders } from "../domain/adaptive.js";
import { conversationPrior, type Histogram, histogramFromRecord, type Prior } from "../domain/statistics.js";
import type { Db } from "./db.js";
import type { ThoughtRepository } from "./thoughts.js";

/**
 * DESIGN §4, adaptive part, on the request path. The adaptive picker needs every thought's
 * numbers, which a request cannot read (bounded calls, no Scan). This one item per conversation
 * holds what it needs beyond the least-exposed page of the byExposure index: the thoughts near the
 * top-k line with their histograms, the prior, and the conversation-wide floor numbers. The
 * scheduler rewrites it every run, so it is at most one run old.
 *
 * Raw histograms only, no rater-bias-adjusted moments: the configuration the ranking bar is read
 * on (bench/ranking.ts barVariant) feeds the picker raw histograms and adjusts only the ranking.
 */
export interface RankingSnapshot {
  readonly computedAt: string;
  readonly prior: Prior;
  /** Visible thoughts when computed. */
  readonly thoughts: number;
  /** Least and mean ratings per visible thought: the adaptive floor. */
  readonly minRatings: number;
  readonly meanRatings: number;
  readonly meanExposure: number;
  readonly contenders: readonly RatedCandidate[];
}

/** ≤ 150 × ~130 bytes: far under DynamoDB's 400 KB item limit, one GetItem to read. */
export const maxSnapshotContenders = 150;

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
   * snapshot; returns it. Hidden and pending thoughts are left out, as the byExposure index does.
   */
  async refresh(thoughts: ThoughtRepository, conversationId: string, now: Date): Promise<RankingSnapshot> {
    const visible: RatedCandidate[] = [];
    for await (const page of thoughts.all(conversationId)) {
      for (const t of page) {
        if (t.status !== "visible") continue;
        visible.push({
          id: t.id,
          authorKey: t.authorKey,
          exposure: t.exposure,
          histogram: histogramFromRecord(t.histogram),
        });
      }
    }
    const prior = conversationPrior(visible.map((c) => c.histogram));
    const counts = visible.map((c) => c.histogram.reduce((s, x) => s + x, 0));
    const n = Math.max(1, visible.length);
    const snapshot: RankingSnapshot = {
      computedAt: now.toISOString(),
      prior,
      thoughts: visible.length,
      minRatings: visible.length > 0 ? Math.min(...counts) : 0,
      meanRatings: counts.reduce((s, x) => s + x, 0) / n,
      meanExposure: visible.reduce((s, c) => s + c.exposure, 0) / n,
      contenders: snapshotContenders(visible, prior, maxSnapshotContenders, defaultAdaptivePolicy),
    };
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
