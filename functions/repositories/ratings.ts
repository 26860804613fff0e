import { PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { cancelledConditions, isConditionFailure, withConflictRetry } from "../db/errors.js";
import { conversationItem } from "../db/items/conversations.js";
import { participationItem } from "../db/items/participation.js";
import {
  type AssignmentStatus,
  assignmentItem,
  assignmentSweepItem,
  assignmentsOf,
  ratingsOf,
  type StoredAssignment,
} from "../db/items/ratings.js";
import { exposureEntryItem, exposureOf, thoughtItem } from "../db/items/thoughts.js";
import { getItem, queryPage, queryPages, type StoredKey } from "../db/query.js";
import { pickWithSnapshot, type SnapshotChoice } from "../domain/contender-snapshot.js";
import type { Candidate } from "../domain/distributor.js";
import { ConflictError, NotFoundError, ServiceUnavailableError } from "../errors.js";
import { today } from "../lib/day.js";
import { getOrCreate } from "../lib/maps.js";
import { AssignmentWindows } from "./assignment-windows.js";
import { counterIncrement } from "./counters.js";
import { RankingSnapshotRepository } from "./ranking-snapshot.js";

/**
 * How long an open assignment (given in a batch, neither rated nor skipped) holds its thought's
 * exposure up: two hours, then the scheduler expires it (docs/operations.md, "Open assignments
 * expire"). AppDeps.openAssignmentLifetimeMs changes it for the whole installation.
 */
export const defaultOpenAssignmentLifetimeMs = 2 * 60 * 60 * 1000;

/** One sweep run reads at most this many index pages per conversation; the next run goes on. */
const sweepPages = 4;
const sweepPageSize = 250;
/** DynamoDB's IN takes at most 100 values: further ended windows wait for the next pass. */
const maxPassWindows = 100;

export interface Assignment {
  readonly thoughtId: string;
  readonly status: AssignmentStatus;
  readonly stars?: number;
}

export type Verdict = { readonly stars: 1 | 2 | 3 | 4 | 5 } | { readonly skip: true };

export interface Rater {
  readonly conversationId: string;
  /** The rater's pseudonym in participation (author-key.ts): never the person. */
  readonly participantKey: string;
  readonly raterKey: string;
  readonly authorKey: string;
  /** The rater's attribute snapshot: segments of the report are built from it (DESIGN §3.3). */
  readonly attributes: Record<string, string>;
}

/** One rating as the report job reads it: pseudonymous rater, their snapshot, the stars. */
export interface RatingRecord {
  readonly thoughtId: string;
  readonly raterKey: string;
  readonly attributes: Record<string, string>;
  readonly stars: number;
  readonly day: string;
}

/** How many index pages a batch may read looking for eligible thoughts: keeps the call count bounded. */
const maxCandidatePages = 4;
const candidatePageSize = 200;
const maxSeenPages = 5;
export class RatingRepository {
  constructor(
    private readonly db: Db,
    private readonly random: () => number = Math.random,
  ) {}

  /** Everything this rater was given in the conversation (bounded: a person rates tens, not thousands). */
  async assignments(conversationId: string, raterKey: string): Promise<Assignment[]> {
    const found: Assignment[] = [];
    for await (const page of queryPages(this.db, assignmentItem, assignmentsOf(conversationId, raterKey), {
      consistent: true,
      maxPages: maxSeenPages,
    })) {
      for (const item of page) found.push(toAssignment(item));
    }
    return found;
  }

  /**
   * DESIGN §4: open assignments first (a refresh cannot fish for other thoughts), then the
   * least-exposed eligible thoughts, each recorded as an assignment that raises its exposure.
   */
  async assignBatch(rater: Rater, size: number): Promise<{ thoughtIds: string[]; rated: number }> {
    const mine = await this.assignments(rater.conversationId, rater.raterKey);
    const open = mine.filter((a) => a.status === "assigned").map((a) => a.thoughtId);
    const rated = mine.filter((a) => a.status === "rated").length;
    if (open.length >= size) return { thoughtIds: open.slice(0, size), rated };

    const seen = new Set(mine.map((a) => a.thoughtId));
    const attempt = (adaptive: boolean) =>
      withConflictRetry(async () => {
        const choice = await this.choose(rater, seen, size - open.length, adaptive);
        if (choice.chosen.length === 0) return choice.chosen;
        const window = await new AssignmentWindows(this.db).current(rater.conversationId, new Date());
        try {
          await this.db.doc.send(
            new TransactWriteCommand({ TransactItems: this.assignItems(rater, choice, window) }),
          );
        } catch (error) {
          if (cancelledConditions(error)) return undefined;
          throw error;
        }
        return choice.chosen;
      });
    // A cancelled adaptive batch most likely met the exposure cap (the snapshot's exposures are a
    // run old): the balanced choice reads live exposures. Cancelled again, another tab of the same
    // person assigned one of these first, and their batch stands.
    const picked = (await attempt(true)) ?? (await attempt(false)) ?? [];
    return { thoughtIds: [...open, ...picked.map((c) => c.id)], rated };
  }

  /**
   * Calls per batch, bounded: ≤ maxCandidatePages Queries of the byExposure index, plus one
   * GetItem of the ranking snapshot sent alongside the first page (DESIGN §4). A cancelled
   * adaptive write is chosen again once, balanced and without the snapshot.
   */
  private async choose(
    rater: Rater,
    seen: ReadonlySet<string>,
    wanted: number,
    adaptive: boolean,
  ): Promise<SnapshotChoice> {
    // Without a snapshot the balanced choice is still a correct one, so a failed read degrades to it.
    const snapshotRead = adaptive
      ? new RankingSnapshotRepository(this.db).get(rater.conversationId).catch(() => undefined)
      : Promise.resolve(undefined);
    const candidates: Candidate[] = [];
    let minRatings = Number.POSITIVE_INFINITY;
    let cursor: StoredKey | undefined;
    for (let page = 0; page < maxCandidatePages; page++) {
      const result = await queryPage(this.db, exposureEntryItem, exposureOf(rater.conversationId), {
        limit: candidatePageSize,
        startKey: cursor,
      });
      for (const entry of result.items) {
        candidates.push({ id: entry.id, exposure: entry.exposure, authorKey: entry.authorKey });
        minRatings = Math.min(minRatings, entry.ratingCount);
      }
      cursor = result.lastKey;
      const eligible = candidates.filter((c) => c.authorKey !== rater.authorKey && !seen.has(c.id)).length;
      // Read one level further than needed so ties at the cut are shuffled fairly.
      if (!cursor || eligible >= wanted * 2) break;
    }
    return pickWithSnapshot({
      snapshot: await snapshotRead,
      page: candidates,
      pageMinRatings: minRatings,
      seen,
      authorKey: rater.authorKey,
      size: wanted,
      random: this.random,
    });
  }

  private assignItems(rater: Rater, { chosen, capped, maxExposure }: SnapshotChoice, openWindow: string) {
    const table = this.db.tableName;
    return chosen.flatMap((candidate) => [
      {
        Put: {
          TableName: table,
          Item: assignmentItem.toItem({
            conversationId: rater.conversationId,
            thoughtId: candidate.id,
            raterKey: rater.raterKey,
            attributes: rater.attributes,
            status: "assigned",
            assignedDay: today(),
            openWindow,
          }),
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Update: {
          TableName: table,
          Key: thoughtItem.key({ conversationId: rater.conversationId, id: candidate.id }),
          UpdateExpression: "ADD exposure :one",
          // A thought hidden since the index was read leaves the index; do not assign it. A
          // contender's exposure may have grown since the snapshot: the cap holds on the write.
          ...(capped?.has(candidate.id) && maxExposure !== undefined
            ? {
                ConditionExpression: "attribute_exists(expPk) AND exposure <= :max",
                ExpressionAttributeValues: { ":one": 1, ":max": maxExposure },
              }
            : {
                ConditionExpression: "attribute_exists(expPk)",
                ExpressionAttributeValues: { ":one": 1 },
              }),
        },
      },
    ]);
  }

  /**
   * Records a rating, a skip, or a change of either. The write is conditional on the assignment
   * state read just before, so concurrent duplicates count once: the first moves the state and
   * the rest find nothing left to change. A check on the conversation's state in the same
   * transaction means a rating racing the close either lands before it or not at all.
   */
  async rate(
    rater: Rater,
    thoughtId: string,
    verdict: Verdict,
  ): Promise<Assignment & { status: "rated" | "skipped" }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.currentAssignment(rater, thoughtId);
      const next: Assignment & { status: "rated" | "skipped" } =
        "skip" in verdict
          ? { thoughtId, status: "skipped" }
          : { thoughtId, status: "rated", stars: verdict.stars };
      if (current.status === next.status && current.stars === next.stars) return next;
      if (current.status === "withdrawn")
        throw new NotFoundError("This thought was withdrawn by a moderator.");
      if (current.status === "rated" && next.status === "skipped") {
        throw new ConflictError("You already rated this thought; change the stars instead of skipping it.");
      }
      try {
        await withConflictRetry(() =>
          this.db.doc.send(new TransactWriteCommand({ TransactItems: this.rateItems(rater, current, next) })),
        );
        return next;
      } catch (error) {
        const failed = cancelledConditions(error);
        if (!failed) throw error;
        if (failed.includes(0)) throw new ConflictError("Rating is closed for this conversation.");
        if (failed.includes(2)) throw new NotFoundError("This thought is no longer open for rating.");
        // The assignment changed under us (a duplicate request won): read it again and re-decide.
      }
    }
    throw new ServiceUnavailableError("Too many simultaneous changes to this rating. Please try again.");
  }

  /**
   * Writes many finished ratings at once: assignment items in batches, then one aggregate update
   * per thought and per rater, and one counter update. For seeding fresh sample data only (the
   * demo), never a request path: it skips the per-rating conditions that make live writes safe.
   */
  async importFinished(
    conversationId: string,
    entries: readonly { rater: Rater; thoughtId: string; verdict: Verdict }[],
  ): Promise<void> {
    const table = this.db.tableName;
    const day = today();
    await batchWrite(
      this.db,
      entries.map(({ rater, thoughtId, verdict }) =>
        assignmentItem.toItem({
          conversationId,
          thoughtId,
          raterKey: rater.raterKey,
          attributes: rater.attributes,
          assignedDay: day,
          ratedDay: day,
          ...("skip" in verdict
            ? { status: "skipped" as const }
            : { status: "rated" as const, stars: verdict.stars }),
        }),
      ),
    );
    const perThought = new Map<string, Contribution & { histogram: number[] }>();
    const perRater = new Map<string, { participantKey: string; ratings: number; skips: number }>();
    for (const { rater, thoughtId, verdict } of entries) {
      const c = contribution(
        "skip" in verdict
          ? { thoughtId, status: "skipped" }
          : { thoughtId, status: "rated", stars: verdict.stars },
      );
      const t = getOrCreate(perThought, thoughtId, () => ({
        exposure: 0,
        ratings: 0,
        sum: 0,
        skips: 0,
        histogram: [0, 0, 0, 0, 0],
      }));
      t.exposure += c.exposure;
      t.ratings += c.ratings;
      t.sum += c.sum;
      t.skips += c.skips;
      if ("stars" in verdict) t.histogram[verdict.stars - 1]!++;
      const r = getOrCreate(perRater, rater.raterKey, () => ({
        participantKey: rater.participantKey,
        ratings: 0,
        skips: 0,
      }));
      r.ratings += c.ratings;
      r.skips += c.skips;
    }
    const updates: ConstructorParameters<typeof UpdateCommand>[0][] = [
      ...[...perThought].map(([thoughtId, t]) => ({
        TableName: table,
        Key: thoughtItem.key({ conversationId, id: thoughtId }),
        UpdateExpression:
          "ADD exposure :e, ratingCount :n, ratingSum :s, skipCount :k, histogram.#h1 :h1, histogram.#h2 :h2, histogram.#h3 :h3, histogram.#h4 :h4, histogram.#h5 :h5",
        ExpressionAttributeNames: { "#h1": "1", "#h2": "2", "#h3": "3", "#h4": "4", "#h5": "5" },
        ExpressionAttributeValues: {
          ":e": t.exposure,
          ":n": t.ratings,
          ":s": t.sum,
          ":k": t.skips,
          ...Object.fromEntries(t.histogram.map((count, i) => [`:h${i + 1}`, count])),
        },
      })),
      ...[...perRater.values()].map((r) => ({
        TableName: table,
        Key: participationItem.key({ conversationId, participantKey: r.participantKey }),
        UpdateExpression: "ADD ratingCount :n, skipCount :k",
        ExpressionAttributeValues: { ":n": r.ratings, ":k": r.skips },
      })),
    ];
    const counter = counterIncrement(table, conversationId, {
      ratings: [...perRater.values()].reduce((sum, r) => sum + r.ratings, 0),
      skips: [...perRater.values()].reduce((sum, r) => sum + r.skips, 0),
    });
    if (counter) updates.push(counter.Update);
    for (let i = 0; i < updates.length; i += 16) {
      await Promise.all(
        updates.slice(i, i + 16).map((update) => this.db.doc.send(new UpdateCommand(update))),
      );
    }
  }

  /**
   * Expires the conversation's open assignments given before `cutoff`: each one moves from
   * `assigned` to `expired` and takes its 1 off the thought's exposure, in one transaction
   * conditional on it still being open, so a rating racing the sweep is counted exactly once
   * (whichever lands second sees the other's state: rate() re-reads and counts the exposure
   * again; the sweep finds nothing open). An assignment is old when its window's quarter hour
   * ended before the cutoff (assignment-windows.ts: up to 15 minutes past the lifetime), or it was
   * given on an earlier day. Bounded: ≤ sweepPages Queries of gsi1 per run; a pass over the index
   * is resumed by the next run from where this one stopped (the conversation's ASSIGNMENT-SWEEP
   * item keeps the position and the windows the pass expires), and the pass's windows are
   * deleted when it ends.
   */
  async expireOpen(conversationId: string, cutoff: Date): Promise<{ expired: number; complete: boolean }> {
    const windows = new AssignmentWindows(this.db);
    const sweep = await getItem(this.db, assignmentSweepItem, { conversationId });
    let cursor: StoredKey | undefined = sweep?.cursor;
    const passWindows =
      cursor && sweep
        ? sweep.windows
        : (await windows.endedBefore(conversationId, cutoff)).map((w) => w.id).slice(0, maxPassWindows);
    const windowValues = Object.fromEntries(passWindows.map((id, i) => [`:w${i}`, id]));
    let expired = 0;
    for (let page = 0; page < sweepPages; page++) {
      const result = await queryPage(this.db, assignmentItem, ratingsOf(conversationId), {
        limit: sweepPageSize,
        ...(cursor && { startKey: cursor }),
        filter: {
          // assignedAt: assignments given before windows existed kept their instant.
          expression: `#st = :assigned AND (${
            passWindows.length ? `#ow IN (${Object.keys(windowValues).join(", ")}) OR ` : ""
          }assignedDay < :day OR assignedAt < :cutoff)`,
          names: { "#st": "status", ...(passWindows.length && { "#ow": "openWindow" }) },
          values: {
            ":assigned": "assigned",
            ":cutoff": cutoff.toISOString(),
            ":day": today(cutoff),
            ...windowValues,
          },
        },
      });
      for (const item of result.items) {
        if (await this.expireOne(conversationId, item.raterKey, item.thoughtId)) expired++;
      }
      cursor = result.lastKey;
      if (!cursor) break;
    }
    if (!cursor) await windows.delete(conversationId, passWindows);
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: assignmentSweepItem.toItem({
          conversationId,
          ...(cursor && { cursor, windows: passWindows }),
        }),
      }),
    );
    return { expired, complete: cursor === undefined };
  }

  private async expireOne(conversationId: string, raterKey: string, thoughtId: string): Promise<boolean> {
    const table = this.db.tableName;
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: assignmentItem.key({ conversationId, raterKey, thoughtId }),
                UpdateExpression: "SET #st = :expired REMOVE #ow, assignedAt",
                ConditionExpression: "#st = :assigned",
                ExpressionAttributeNames: { "#st": "status", "#ow": "openWindow" },
                ExpressionAttributeValues: { ":expired": "expired", ":assigned": "assigned" },
              },
            },
            {
              Update: {
                TableName: table,
                Key: thoughtItem.key({ conversationId, id: thoughtId }),
                UpdateExpression: "ADD exposure :minus",
                ExpressionAttributeValues: { ":minus": -1 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledConditions(error)) return false; // rated, skipped or withdrawn in the meantime
      throw error;
    }
  }

  /** Frees an open assignment whose thought a moderator hid, so it stops taking a batch slot. */
  async withdraw(rater: Rater, thoughtId: string): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: assignmentItem.key({
            conversationId: rater.conversationId,
            raterKey: rater.raterKey,
            thoughtId,
          }),
          UpdateExpression: "SET #st = :withdrawn REMOVE #ow, assignedAt",
          ConditionExpression: "#st = :assigned",
          ExpressionAttributeNames: { "#st": "status", "#ow": "openWindow" },
          ExpressionAttributeValues: { ":withdrawn": "withdrawn", ":assigned": "assigned" },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The rater's assignment for a thought; 404 when it was never given to them. */
  async find(rater: Pick<Rater, "conversationId" | "raterKey">, thoughtId: string): Promise<Assignment> {
    return this.currentAssignment(rater, thoughtId);
  }

  private async currentAssignment(
    rater: Pick<Rater, "conversationId" | "raterKey">,
    thoughtId: string,
  ): Promise<Assignment> {
    const assignment = await getItem(
      this.db,
      assignmentItem,
      { conversationId: rater.conversationId, raterKey: rater.raterKey, thoughtId },
      { consistent: true },
    );
    if (!assignment)
      throw new NotFoundError("This thought was not given to you to rate. Ask for a rating batch first.");
    return toAssignment(assignment);
  }

  private rateItems(rater: Rater, current: Assignment, next: Assignment) {
    const table = this.db.tableName;
    const before = contribution(current);
    const after = contribution(next);
    const delta = (field: keyof Contribution) => after[field] - before[field];
    const histogramDeltas = new Map<string, number>();
    if (current.stars) histogramDeltas.set(String(current.stars), -1);
    if (next.stars)
      histogramDeltas.set(String(next.stars), (histogramDeltas.get(String(next.stars)) ?? 0) + 1);
    const histogram = [...histogramDeltas].filter(([, d]) => d !== 0);

    // The conversation check comes first: rate() reads its position from cancellation reasons.
    return [
      {
        ConditionCheck: {
          TableName: table,
          Key: conversationItem.key({ id: rater.conversationId }),
          ConditionExpression: "#s IN (:sharing, :rating)",
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: { ":sharing": "sharing", ":rating": "rating" },
        },
      },
      {
        Update: {
          TableName: table,
          Key: assignmentItem.key({
            conversationId: rater.conversationId,
            raterKey: rater.raterKey,
            thoughtId: current.thoughtId,
          }),
          // Rated or skipped, it leaves its window (assignment-windows.ts): nothing beside the
          // rating tells more than its day.
          UpdateExpression: next.stars
            ? "SET #st = :next, stars = :stars, ratedDay = :day REMOVE #ow, assignedAt"
            : "SET #st = :next, ratedDay = :day REMOVE stars, #ow, assignedAt",
          ConditionExpression:
            current.stars === undefined
              ? "#st = :current AND attribute_not_exists(stars)"
              : "#st = :current AND stars = :was",
          ExpressionAttributeNames: { "#st": "status", "#ow": "openWindow" },
          ExpressionAttributeValues: {
            ":next": next.status,
            ":current": current.status,
            ":day": today(),
            ...(next.stars && { ":stars": next.stars }),
            ...(current.stars !== undefined && { ":was": current.stars }),
          },
        },
      },
      {
        Update: {
          TableName: table,
          Key: thoughtItem.key({ conversationId: rater.conversationId, id: current.thoughtId }),
          UpdateExpression: `ADD exposure :exposure, ratingCount :count, ratingSum :sum, skipCount :skips${histogram
            .map(([stars]) => `, histogram.#h${stars} :h${stars}`)
            .join("")}`,
          // An expired assignment is still rated while its thought is ratable (visible: in the
          // byExposure index); its exposure is counted again. rate() reads this position (2).
          ...(current.status === "expired" && { ConditionExpression: "attribute_exists(expPk)" }),
          // DynamoDB refuses an empty names map, so it is only sent when the histogram changes.
          ...(histogram.length > 0 && {
            ExpressionAttributeNames: Object.fromEntries(histogram.map(([stars]) => [`#h${stars}`, stars])),
          }),
          ExpressionAttributeValues: {
            ":exposure": delta("exposure"),
            ":count": delta("ratings"),
            ":sum": delta("sum"),
            ":skips": delta("skips"),
            ...Object.fromEntries(histogram.map(([stars, d]) => [`:h${stars}`, d])),
          },
        },
      },
      {
        Update: {
          TableName: table,
          Key: participationItem.key({
            conversationId: rater.conversationId,
            participantKey: rater.participantKey,
          }),
          UpdateExpression: "ADD ratingCount :ratings, skipCount :skips",
          ExpressionAttributeValues: { ":ratings": delta("ratings"), ":skips": delta("skips") },
        },
      },
      counterIncrement(table, rater.conversationId, { ratings: delta("ratings"), skips: delta("skips") }),
    ].filter((item) => item !== undefined);
  }
}

interface Contribution {
  exposure: number;
  ratings: number;
  sum: number;
  skips: number;
}

/** What an assignment in a given state adds to its thought's numbers. */
function contribution(a: Assignment): Contribution {
  switch (a.status) {
    case "assigned":
      return { exposure: 1, ratings: 0, sum: 0, skips: 0 };
    case "rated":
      return { exposure: 1, ratings: 1, sum: a.stars ?? 0, skips: 0 };
    case "skipped":
      return { exposure: 0, ratings: 0, sum: 0, skips: 1 };
    case "withdrawn":
    case "expired":
      return { exposure: 0, ratings: 0, sum: 0, skips: 0 };
  }
}

/**
 * Every rating of a conversation, page by page: for the report job, never a request path. An
 * assignment that fails its schema is logged and left out of the report, not fatal to it.
 */
export async function* allRatings(db: Db, conversationId: string): AsyncGenerator<RatingRecord[]> {
  const pages = queryPages(db, assignmentItem, ratingsOf(conversationId), {
    filter: { expression: "#st = :rated", names: { "#st": "status" }, values: { ":rated": "rated" } },
  });
  for await (const page of pages) {
    yield page.flatMap((a) =>
      a.status === "rated" && a.stars !== undefined
        ? [
            {
              thoughtId: a.thoughtId,
              raterKey: a.raterKey,
              attributes: a.attributes,
              stars: a.stars,
              day: a.ratedDay ?? a.assignedDay,
            },
          ]
        : [],
    );
  }
}

function toAssignment(item: StoredAssignment): Assignment {
  return {
    thoughtId: item.thoughtId,
    status: item.status,
    ...(item.stars !== undefined && { stars: item.stars }),
  };
}
