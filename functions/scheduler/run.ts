import { randomUUID } from "node:crypto";
import { syncIdentities } from "../auth/identity-sync.js";
import type { DueItem } from "../db/items/scheduler.js";
import type { StoredKey } from "../db/query.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { sendInvitations, sendPublishedNotices, sendReminders } from "../notify/notify.js";
import { defaultOpenAssignmentLifetimeMs } from "../repositories/ratings.js";
import type { Services } from "../services.js";
import { refreshLiveView } from "../workflows/live-view.js";
import { decideReleaseRound } from "../workflows/release-round.js";
import { afterTransition, transitionConversation } from "../workflows/transition.js";
import { timedTransitions } from "./due.js";

export interface SchedulerRun {
  readonly transitions: number;
  readonly reminders: number;
  readonly notices: number;
}

/** A publish waiting for a leader's approval is looked at again this much later. */
const publishRetryMs = 15 * 60 * 1000;

/**
 * DESIGN §1 and §6: run every minute (EventBridge in AWS, a timer on the embedded default). Finds
 * what is due through the byDueAt index and applies it. Each item is claimed first, transitions
 * are conditional on the state they expect, and reminders are marked sent once, so concurrent
 * and repeated runs change nothing twice.
 */
export async function runScheduler(s: Services, now: Date): Promise<SchedulerRun> {
  const runId = randomUUID();
  const totals = { transitions: 0, reminders: 0, notices: 0 };
  for await (const page of s.due.dueBy(now)) {
    for (const item of page) {
      if (!(await s.due.claim(item, runId, now))) continue;
      try {
        const outcome = await apply(s, item);
        if (outcome === "postpone") {
          await s.due.postpone(item, runId, new Date(now.getTime() + publishRetryMs));
          continue;
        }
        totals[outcome.kind] += outcome.count;
        await s.due.done(item, runId);
      } catch (error) {
        // Leave the claim to expire: the item is retried by a later run.
        s.logger.error("scheduler item failed", {
          conversationId: item.conversationId,
          event: item.event,
          error: (error as Error).name,
        });
      }
    }
  }
  await refreshActiveConversations(s, now);
  // Identity-provider accounts the directory import queued (auth/identity-sync.ts).
  await syncIdentities(s).catch((error: Error) =>
    s.logger.error("identity sync failed", { error: error.name }),
  );
  if (totals.transitions + totals.reminders + totals.notices > 0)
    s.logger.info("scheduler run", { runId, ...totals });
  return totals;
}

type Outcome = { kind: keyof SchedulerRun; count: number } | "postpone";

async function apply(s: Services, item: DueItem): Promise<Outcome> {
  let conversation: Awaited<ReturnType<Services["conversations"]["get"]>>;
  try {
    conversation = await s.conversations.get(item.conversationId);
  } catch (error) {
    if (error instanceof NotFoundError) return { kind: "transitions", count: 0 };
    throw error;
  }
  const timed = timedTransitions[item.event];
  if (timed) {
    if (conversation.state !== timed.from) {
      // Moved already: by hand, or by a run that died right after the state write, before what
      // follows from it (test/integration/killed-jobs.test.ts). That is made sure of here.
      if (conversation.state === timed.to) await afterTransition(s, conversation);
      return { kind: "transitions", count: 0 };
    }
    if (timed.to === "published" && conversation.approvedReportVersion !== conversation.reportVersion)
      return "postpone";
    try {
      await transitionConversation(s, conversation.id, timed.to, { expected: timed.from });
      return { kind: "transitions", count: 1 };
    } catch (error) {
      if (error instanceof ConflictError) return { kind: "transitions", count: 0 };
      throw error;
    }
  }
  switch (item.event) {
    case "remind-share":
    case "remind-rate": {
      const stillOpen = conversation.state === (item.event === "remind-share" ? "sharing" : "rating");
      if (!stillOpen || !(await s.due.once(conversation.id, item.event)))
        return { kind: "reminders", count: 0 };
      return {
        kind: "reminders",
        count: await sendReminders(s, conversation, item.event === "remind-share" ? "share" : "rate"),
      };
    }
    case "notify-invite":
      // An invitation to a conversation that has moved past sharing would only confuse people.
      if (conversation.state !== "sharing" || !(await s.due.once(conversation.id, item.event))) {
        return { kind: "notices", count: 0 };
      }
      return { kind: "notices", count: await sendInvitations(s, conversation) };
    case "notify-published":
      if (conversation.state !== "published" || !(await s.due.once(conversation.id, item.event))) {
        return { kind: "notices", count: 0 };
      }
      return { kind: "notices", count: await sendPublishedNotices(s, conversation) };
    default:
      return { kind: "transitions", count: 0 };
  }
}

/**
 * For every conversation holding a theme-run claim, every run: a run stuck past the stale time is
 * marked failed (failStuckJob). For conversations still collecting thoughts or ratings, every
 * run: the release round (workflows/release-round.ts, DESIGN §3.7); open assignments older than
 * the open-assignment lifetime expire and stop counting as exposure (ratings.ts expireOpen);
 * then DESIGN §4's ranking snapshot (ranking-snapshot.ts) is recomputed from the exposures that
 * remain and so sees a round's thoughts at once; then the live view's snapshot
 * (workflows/live-view.ts). Found through the gsi1 list of conversations, not a Scan:
 * bounded by the number of conversations. One failing conversation keeps its waiting thoughts
 * and open assignments for the next run and its old snapshot (or none: plain balanced batches),
 * and does not stop the others.
 */
async function refreshActiveConversations(s: Services, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - (s.openAssignmentLifetimeMs ?? defaultOpenAssignmentLifetimeMs));
  let startKey: StoredKey | undefined;
  do {
    const page = await s.conversations.list(startKey);
    for (const conversation of page.items) {
      if (conversation.activeJobId) await failStuckJob(s, conversation.id, conversation.activeJobId, now);
      if (conversation.state !== "sharing" && conversation.state !== "rating") continue;
      try {
        await decideReleaseRound(s, conversation, now);
      } catch (error) {
        s.logger.error("release round failed", {
          conversationId: conversation.id,
          error: (error as Error).name,
        });
      }
      try {
        const { expired } = await s.ratings.expireOpen(conversation.id, cutoff);
        if (expired > 0)
          s.logger.info("open assignments expired", { conversationId: conversation.id, expired });
      } catch (error) {
        s.logger.error("open assignment expiry failed", {
          conversationId: conversation.id,
          error: (error as Error).name,
        });
      }
      try {
        await s.rankingSnapshots.refresh(s.thoughts, conversation.id, now);
      } catch (error) {
        s.logger.error("ranking snapshot failed", {
          conversationId: conversation.id,
          error: (error as Error).name,
        });
      }
      try {
        await refreshLiveView(s, conversation, now);
      } catch (error) {
        s.logger.error("live view snapshot failed", {
          conversationId: conversation.id,
          error: (error as Error).name,
        });
      }
    }
    startKey = page.lastKey;
  } while (startKey);
}

/**
 * A theme run whose worker died holds its conversation's claim and shows "running" for ever
 * (jobs.ts failIfStale): in AWS when SQS gave up redelivering it, on the embedded default when the
 * process stopped mid-run (the in-process queue does not survive it). Marked failed here, with a
 * message the report page shows, so the facilitator sees it and can start another.
 */
async function failStuckJob(s: Services, conversationId: string, jobId: string, now: Date): Promise<void> {
  try {
    if (await s.jobs.failIfStale(conversationId, jobId, now))
      s.logger.warn("stuck theme run marked failed", { conversationId, jobId });
  } catch (error) {
    s.logger.error("stuck theme run check failed", { conversationId, jobId, error: (error as Error).name });
  }
}
