import { randomUUID } from "node:crypto";
import { TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { cancelledConditions, isConditionFailure } from "../db/errors.js";
import { conversationItem } from "../db/items/conversations.js";
import { type Job, type JobState, jobItem } from "../db/items/jobs.js";
import { getItem } from "../db/query.js";
import { ConflictError, NotFoundError } from "../errors.js";

/** A job that has not reported progress for this long is taken to have died with its worker. */
const staleAfterMs = 15 * 60 * 1000;
/** What the report page shows for a run whose worker died (failIfStale). */
const stoppedMessage =
  "The theme run stopped before it finished (its worker was interrupted). Start it again.";
/** Finished jobs are kept a month for the UI's history, then expire. */
const retentionSeconds = 30 * 24 * 60 * 60;

export class JobRepository {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Job> {
    const job = await getItem(this.db, jobItem, { id }, { consistent: true });
    if (!job) throw new NotFoundError("No job has this id.");
    return job;
  }

  /**
   * One theme run per conversation at a time: the job and the conversation's `activeJobId` are
   * written together, conditional on no live job. A second request gets the running job back.
   */
  async startThemeRun(conversationId: string, now = new Date()): Promise<{ job: Job; created: boolean }> {
    const at = now.toISOString();
    const job: Job = {
      id: randomUUID(),
      kind: "theme-run",
      conversationId,
      state: "queued",
      progress: 0,
      message: "Waiting for a worker",
      createdAt: at,
      updatedAt: at,
    };
    const staleBefore = new Date(now.getTime() - staleAfterMs).toISOString();
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.db.tableName,
                Key: conversationItem.key({ id: conversationId }),
                UpdateExpression: "SET activeJobId = :id, activeJobSince = :at",
                ConditionExpression:
                  "attribute_exists(pk) AND (attribute_not_exists(activeJobId) OR activeJobSince < :stale)",
                ExpressionAttributeValues: { ":id": job.id, ":at": at, ":stale": staleBefore },
              },
            },
            { Put: { TableName: this.db.tableName, Item: jobItem.toItem(job) } },
          ],
        }),
      );
      return { job, created: true };
    } catch (error) {
      if (!cancelledConditions(error)) throw error;
      const conversation = await getItem(
        this.db,
        conversationItem,
        { id: conversationId },
        { consistent: true },
      );
      if (!conversation) throw new NotFoundError("No conversation has this id.");
      if (!conversation.activeJobId) {
        // The run finished between our write and this read: the caller may start another.
        throw new ConflictError("A theme run just finished. Start another if you need one.");
      }
      return { job: await this.get(conversation.activeJobId), created: false };
    }
  }

  async progress(id: string, progress: number, message: string, state: JobState = "running"): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: jobItem.key({ id }),
        UpdateExpression: "SET #state = :state, progress = :progress, message = :message, updatedAt = :now",
        ExpressionAttributeNames: { "#state": "state" },
        ExpressionAttributeValues: {
          ":state": state,
          ":progress": Math.round(Math.min(1, Math.max(0, progress)) * 1000) / 1000,
          ":message": message,
          ":now": new Date().toISOString(),
        },
      }),
    );
    // Keep the conversation's claim fresh so a long run is not mistaken for a dead one.
    const job = await this.get(id);
    await this.touchClaim(job.conversationId, id);
  }

  private async touchClaim(conversationId: string, jobId: string): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: conversationItem.key({ id: conversationId }),
          UpdateExpression: "SET activeJobSince = :now",
          ConditionExpression: "activeJobId = :id",
          ExpressionAttributeValues: { ":id": jobId, ":now": new Date().toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * A job whose worker died (killed, timed out past its retries, or lost with the process whose
   * in-process queue held it) stays queued or running for ever and keeps its conversation's
   * claim. Past `staleAfterMs` without progress it is marked failed, visibly, and the claim is
   * released so a new run can start (the scheduler calls this, scheduler/run.ts). Conditional on
   * the job still not having moved, so a slow run that reports progress meanwhile is left alone.
   * Returns whether it marked the job.
   */
  async failIfStale(conversationId: string, jobId: string, now: Date): Promise<boolean> {
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.db.tableName,
                Key: jobItem.key({ id: jobId }),
                UpdateExpression:
                  "SET #state = :failed, message = :message, #error = :error, updatedAt = :now, expiresAt = :expires",
                ConditionExpression: "#state IN (:queued, :running) AND updatedAt < :stale",
                ExpressionAttributeNames: { "#state": "state", "#error": "error" },
                ExpressionAttributeValues: {
                  ":failed": "failed",
                  ":queued": "queued",
                  ":running": "running",
                  ":message": "Failed",
                  ":error": stoppedMessage,
                  ":now": now.toISOString(),
                  ":stale": new Date(now.getTime() - staleAfterMs).toISOString(),
                  ":expires": Math.floor(now.getTime() / 1000) + retentionSeconds,
                },
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: conversationItem.key({ id: conversationId }),
                UpdateExpression: "REMOVE activeJobId, activeJobSince SET lastJobId = :id",
                ConditionExpression: "activeJobId = :id",
                ExpressionAttributeValues: { ":id": jobId },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledConditions(error)) return false;
      throw error;
    }
  }

  /** Records the outcome and releases the conversation for the next run. */
  async finish(
    job: Job,
    outcome: { state: "succeeded"; reportVersion: number } | { state: "failed"; error: string },
  ) {
    const now = new Date();
    await this.db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.db.tableName,
              Key: jobItem.key({ id: job.id }),
              UpdateExpression:
                "SET #state = :state, progress = :progress, message = :message, updatedAt = :now, expiresAt = :expires" +
                (outcome.state === "succeeded" ? ", reportVersion = :version" : ", #error = :error"),
              ExpressionAttributeNames: {
                "#state": "state",
                ...(outcome.state === "failed" && { "#error": "error" }),
              },
              ExpressionAttributeValues: {
                ":state": outcome.state,
                ":progress": outcome.state === "succeeded" ? 1 : job.progress,
                ":message": outcome.state === "succeeded" ? "Done" : "Failed",
                ":now": now.toISOString(),
                ":expires": Math.floor(now.getTime() / 1000) + retentionSeconds,
                ...(outcome.state === "succeeded"
                  ? { ":version": outcome.reportVersion }
                  : { ":error": outcome.error }),
              },
            },
          },
        ],
      }),
    );
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: conversationItem.key({ id: job.conversationId }),
          UpdateExpression: "REMOVE activeJobId, activeJobSince SET lastJobId = :id",
          ConditionExpression: "activeJobId = :id",
          ExpressionAttributeValues: { ":id": job.id },
        }),
      );
    } catch (error) {
      // A newer run took over a claim we held too long; it owns the conversation now.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
