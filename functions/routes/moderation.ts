import * as z from "zod";
import { flagReasons } from "../db/items/moderation.js";
import { flaggerKey, moderatorKey, personKeys } from "../domain/author-key.js";
import { can } from "../domain/person.js";
import type { Services } from "../services.js";
import { loadForParticipant } from "./access.js";
import { createRouter, idParam, json, problems, protectedRoute } from "./http.js";

const flagRoute = protectedRoute(can.participate, {
  method: "post",
  path: "/conversations/{id}/flags",
  summary: "Flag a thought you were given to rate, for a moderator to look at",
  request: {
    params: z.object({ id: idParam }),
    body: {
      content: {
        "application/json": { schema: z.object({ thoughtId: idParam, reason: z.enum(flagReasons) }) },
      },
      required: true,
    },
  },
  responses: {
    201: json(z.object({ flagged: z.boolean() }), "Flagged (false: you had flagged it already)"),
    ...problems(404),
  },
});

const entrySchema = z.object({
  thoughtId: z.string(),
  text: z.string(),
  status: z.enum(["visible", "pending", "hidden"]),
  reasons: z.array(z.string()),
  flags: z.int(),
  needsReview: z.boolean(),
});

const queueRoute = protectedRoute(can.facilitate, {
  method: "get",
  path: "/conversations/{id}/moderation",
  summary: "Thoughts waiting for a moderator (or, with view=hidden, those hidden)",
  request: {
    params: z.object({ id: idParam }),
    query: z.object({ view: z.enum(["open", "hidden"]).default("open") }),
  },
  responses: { 200: json(z.object({ items: z.array(entrySchema) }), "The queue"), ...problems(404) },
});

const decideRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/conversations/{id}/moderation/{thoughtId}",
  summary: "Hide a thought, restore a hidden one, or keep a flagged one visible",
  request: {
    params: z.object({ id: idParam, thoughtId: idParam }),
    body: {
      content: { "application/json": { schema: z.object({ action: z.enum(["hide", "restore", "keep"]) }) } },
      required: true,
    },
  },
  responses: {
    200: json(z.object({ thoughtId: z.string(), action: z.string() }), "Done"),
    ...problems(404, 409),
  },
});

const logRoute = protectedRoute(can.facilitate, {
  method: "get",
  path: "/conversations/{id}/moderation/log",
  summary: "Moderation decisions, newest day first (each dated by its day only)",
  request: { params: z.object({ id: idParam }) },
  responses: {
    200: json(
      z.object({
        entries: z.array(
          z.object({
            at: z.string(),
            thoughtId: z.string(),
            action: z.string(),
            moderatorKey: z.string(),
            role: z.string(),
          }),
        ),
      }),
      "The log",
    ),
  },
});

export function moderationRoutes(s: Services) {
  return createRouter()
    .openapi(flagRoute, async (c) => {
      const caller = c.get("caller");
      const { id } = c.req.valid("param");
      const { thoughtId, reason } = c.req.valid("json");
      await loadForParticipant(s, caller, id);
      // People flag what they were shown: the thought must have been assigned to them.
      await s.ratings.find(
        { conversationId: id, raterKey: personKeys(s.authorKeySecret, id, caller.userId).raterKey },
        thoughtId,
      );
      const flagged = await s.moderation.flag(
        id,
        thoughtId,
        flaggerKey(s.authorKeySecret, id, caller.userId),
        reason,
      );
      return c.json({ flagged }, 201);
    })
    .openapi(queueRoute, async (c) => {
      const { id } = c.req.valid("param");
      await s.conversations.get(id);
      const entries = await s.moderation.queue(id, c.req.valid("query").view);
      const thoughts = await s.thoughts.getMany(id, entries.map((e) => e.thoughtId).slice(0, 100));
      const items = entries.flatMap((entry) => {
        const thought = thoughts.get(entry.thoughtId);
        if (!thought) return [];
        return [{ ...entry, text: thought.text, status: thought.status, needsReview: thought.needsReview }];
      });
      return c.json({ items }, 200);
    })
    .openapi(decideRoute, async (c) => {
      const caller = c.get("caller");
      const { id, thoughtId } = c.req.valid("param");
      const { action } = c.req.valid("json");
      // The audit log's tally is written in the same transaction, under the same pseudonym.
      await s.moderation.decide(id, thoughtId, action, {
        key: moderatorKey(s.authorKeySecret, id, caller.userId),
        role: caller.roles.includes("admin") ? "admin" : "facilitator",
      });
      return c.json({ thoughtId, action }, 200);
    })
    .openapi(logRoute, async (c) =>
      c.json({ entries: await s.moderation.log(c.req.valid("param").id) }, 200),
    );
}
