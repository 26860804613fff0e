import * as z from "zod";
import { conversationSchema, countsSchema, numberThreshold, scheduleSchema } from "../domain/conversation.js";
import { formatDeadline } from "../domain/deadline.js";
import {
  type LiveSnapshot,
  liveGroupSchema,
  liveSnapshotSchema,
  notYet,
  reminderBlock,
  reminderBlockHours,
} from "../domain/live.js";
import { can } from "../domain/person.js";
import { ConflictError } from "../errors.js";
import { remindNotYet } from "../notify/notify.js";
import type { Services } from "../services.js";
import { emergingThoughts } from "../workflows/live-view.js";
import { shownCounts } from "../workflows/release-round.js";
import { loadForParticipant, loadForViewer } from "./access.js";
import { createRouter, idParam, json, problems, protectedRoute } from "./http.js";

const params = z.object({ id: idParam });

const emergingSchema = z.object({
  id: z.string(),
  text: z.string(),
  ratings: z.int(),
  average: z.number(),
  score: z.number(),
});

const liveViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  state: conversationSchema.shape.state,
  schedule: scheduleSchema.nullable(),
  /** The organisation's time zone (admin settings): deadlines are shown in it. */
  timeZone: z.string(),
  /** While sharing, the counts of the last release round (DESIGN §3.7); otherwise live. */
  counts: countsSchema,
  /** The scheduler's snapshot: by day and by released group (null before the first). */
  snapshot: liveSnapshotSchema
    .omit({ groups: true, boundary: true })
    .extend({
      groups: z.array(liveGroupSchema.extend({ notYet: z.int() })),
    })
    .nullable(),
  /** Thoughts rated best so far: only while rating, only thoughts with at least k raters. */
  emerging: z.array(emergingSchema),
  k: z.int(),
  reminder: z.object({
    /** share while sharing, rate while rating; null when no reminder can go. */
    kind: z.enum(["share", "rate"]).nullable(),
    blockHours: z.int(),
  }),
});

const liveRoute = protectedRoute(can.lead, {
  method: "get",
  path: "/conversations/{id}/live",
  summary: "The live view of a running conversation: participation by day and by group, top thoughts",
  request: { params },
  responses: { 200: json(liveViewSchema, "The live view"), ...problems(404) },
});

const remindRoute = protectedRoute(can.lead, {
  method: "post",
  path: "/conversations/{id}/live/reminders",
  summary: "Remind everyone invited who has not taken part yet (one per conversation per 6 hours)",
  request: { params },
  responses: {
    202: json(
      z.object({ kind: z.enum(["share", "rate"]), nextAt: z.string() }),
      "Reminders are on their way (who, and while sharing how many, is not said)",
    ),
    ...problems(404, 409),
  },
});

const participantRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/conversations/{id}/emerging",
  summary: "What is rising to the top, for a participant who has reached their rating target",
  request: { params },
  responses: {
    200: json(
      z.object({
        /** Ratings still to give before the list opens (0: it is open). */
        toGo: z.int(),
        thoughts: z.array(emergingSchema.omit({ score: true })),
      }),
      "The emerging thoughts, or how many ratings are still to go",
    ),
    ...problems(404),
  },
});

export function liveRoutes(s: Services) {
  return createRouter()
    .openapi(liveRoute, async (c) => {
      const { conversation } = await loadForViewer(s, c.get("caller"), c.req.valid("param").id);
      const [counts, snapshot, emerging, settings] = await Promise.all([
        shownCounts(s, conversation),
        s.live.get(conversation.id),
        emergingThoughts(s, conversation),
        s.settings.get(),
      ]);
      return c.json(
        {
          id: conversation.id,
          title: conversation.title,
          state: conversation.state,
          schedule: conversation.schedule,
          timeZone: settings.timeZone,
          counts,
          snapshot: snapshot
            ? {
                ...withoutBoundary(snapshot),
                groups: snapshot.groups.map((g) => ({
                  ...g,
                  notYet: notYet(g),
                })),
              }
            : null,
          emerging,
          k: numberThreshold(conversation.settings),
          reminder: {
            kind: reminderKind(conversation.state),
            blockHours: reminderBlockHours,
          },
        },
        200,
      );
    })
    .openapi(remindRoute, async (c) => {
      const caller = c.get("caller");
      const { conversation } = await loadForViewer(s, caller, c.req.valid("param").id);
      const kind = reminderKind(conversation.state);
      if (!kind)
        throw new ConflictError("Reminders go only while a conversation is open for sharing or rating.");
      const now = new Date();
      const { block, nextAt } = reminderBlock(now);
      // One per conversation per block, whoever asks: a double click or two leaders send one.
      if (!(await s.due.once(conversation.id, `live-reminder#${block}`))) {
        throw new ConflictError(
          `A reminder already went out in this ${reminderBlockHours}-hour block. The next can go from ${formatDeadline(nextAt.toISOString(), (await s.settings.get()).timeZone)}.`,
          { nextAt: nextAt.toISOString() },
        );
      }
      const queued = await remindNotYet(s, conversation);
      await s.audit.record({
        actorId: caller.userId,
        actorEmail: caller.email,
        action: "conversation.remind",
        target: `conversation:${conversation.id}`,
        // While sharing, no figure: a live count between rounds would time who joined.
        details: conversation.state === "sharing" ? { kind } : { kind, queued },
      });
      return c.json({ kind, nextAt: nextAt.toISOString() }, 202);
    })
    .openapi(participantRoute, async (c) => {
      const { conversation, participation } = await loadForParticipant(
        s,
        c.get("caller"),
        c.req.valid("param").id,
      );
      const toGo = Math.max(0, conversation.settings.ratingTarget - (participation?.ratingCount ?? 0));
      if (toGo > 0 || conversation.state !== "rating") return c.json({ toGo, thoughts: [] }, 200);
      const thoughts = await emergingThoughts(s, conversation);
      return c.json({ toGo, thoughts: thoughts.map(({ score: _score, ...t }) => t) }, 200);
    });
}

const reminderKind = (state: string): "share" | "rate" | null =>
  state === "sharing" ? "share" : state === "rating" ? "rate" : null;

const withoutBoundary = ({ boundary: _boundary, ...rest }: LiveSnapshot) => rest;
