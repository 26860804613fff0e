import * as z from "zod";
import type { Caller } from "../auth/verify.js";
import { flagReasons } from "../db/items/moderation.js";
import { flaggerKey, moderatorKey, personKeys } from "../domain/author-key.js";
import { maxBulkDecisions } from "../domain/moderation.js";
import { can } from "../domain/person.js";
import { screenThought } from "../domain/screen.js";
import { ValidationError } from "../errors.js";
import type { ModeratorPseudonym } from "../repositories/audit.js";
import type { Services } from "../services.js";
import { reflectInReports } from "../workflows/moderated-reports.js";
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

/** The moderator's edited text: a name or detail taken out, the idea kept (DESIGN §3.5). */
const redactedText = z.string().trim().min(3).max(4000);

const decisionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.enum(["hide", "restore", "keep"]) }),
  z.object({ action: z.literal("redact"), text: redactedText }),
]);

const outcomeSchema = z.enum(["done", "unchanged", "conflict", "not-found"]);

const decideRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/conversations/{id}/moderation/{thoughtId}",
  summary:
    "Hide a thought, restore a hidden one, keep a flagged one visible, or redact it (keep it with a name or detail removed)",
  request: {
    params: z.object({ id: idParam, thoughtId: idParam }),
    body: { content: { "application/json": { schema: decisionSchema } }, required: true },
  },
  responses: {
    200: json(
      z.object({ thoughtId: z.string(), action: z.string(), outcome: z.enum(["done", "unchanged"]) }),
      "Done (unchanged: it was already so)",
    ),
    ...problems(404, 409),
  },
});

const bulkRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/conversations/{id}/moderation-decisions",
  summary: `Approve, hide or restore (hidden → visible) up to ${maxBulkDecisions} thoughts in one request, each decided on its own`,
  request: {
    params: z.object({ id: idParam }),
    body: {
      content: {
        "application/json": {
          schema: z.object({
            action: z.enum(["hide", "keep", "restore"]),
            thoughtIds: z
              .array(idParam)
              .min(1)
              .max(maxBulkDecisions, `at most ${maxBulkDecisions} thoughts in one request`)
              .refine((ids) => new Set(ids).size === ids.length, "a thought is named twice"),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(
      z.object({
        action: z.string(),
        results: z.array(
          z.object({ thoughtId: z.string(), outcome: outcomeSchema, detail: z.string().optional() }),
        ),
      }),
      "One outcome per thought, in the order asked; a failed one changed nothing",
    ),
    ...problems(404),
  },
});

const waitingRoute = protectedRoute(can.facilitate, {
  method: "get",
  path: "/moderation/waiting",
  summary: "How many thoughts wait for a moderator, in all and per conversation (the navigation's count)",
  responses: {
    200: json(
      z.object({
        total: z.int(),
        conversations: z.array(z.object({ id: z.string(), title: z.string(), waiting: z.int() })),
      }),
      "The counts",
    ),
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

/** The navigation's answer names at most this many conversations (most waiting first); the total counts all. */
const maxListedConversations = 50;

export function moderationRoutes(s: Services) {
  const moderator = (caller: Caller, conversationId: string): ModeratorPseudonym => ({
    key: moderatorKey(s.authorKeySecret, conversationId, caller.userId),
    role: caller.roles.includes("admin") ? "admin" : "facilitator",
  });

  /**
   * A moderator's edit is cleaned and screened for contact details like a shared thought (an edit
   * cannot put an email address back) and bounded by the conversation's length limit.
   */
  const redaction = async (conversationId: string, text: string) => {
    const conversation = await s.conversations.get(conversationId);
    const cleaned = screenThought(text).text;
    const limit = conversation.settings.thoughtMaxLength;
    if (cleaned.length < 3)
      throw new ValidationError("The edited thought is empty.", [{ path: "text", message: "keep the idea" }]);
    if (cleaned.length > limit)
      throw new ValidationError(`The edited thought is longer than ${limit} characters.`, [
        { path: "text", message: `at most ${limit} characters` },
      ]);
    return cleaned;
  };

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
      const view = c.req.valid("query").view;
      const entries =
        view === "open" ? await s.moderation.openQueue(id) : await s.moderation.queue(id, "hidden");
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
      const body = c.req.valid("json");
      const decision =
        body.action === "redact" ? { action: "redact" as const, text: await redaction(id, body.text) } : body;
      // The audit log's tally is written in the same transaction, under the same pseudonym.
      const outcome = await s.moderation.decide(id, thoughtId, decision, moderator(caller, id));
      // Reports computed before the decision quote the thought: change them now. A repeated
      // request ("unchanged") finishes a change an earlier one could not complete.
      await reflectInReports(s, id, decision, [thoughtId]);
      return c.json({ thoughtId, action: body.action, outcome }, 200);
    })
    .openapi(bulkRoute, async (c) => {
      const caller = c.get("caller");
      const { id } = c.req.valid("param");
      const { action, thoughtIds } = c.req.valid("json");
      await s.conversations.get(id);
      const results = await s.moderation.decideMany(id, thoughtIds, { action }, moderator(caller, id));
      const decided = results.filter((r) => r.outcome === "done" || r.outcome === "unchanged");
      await reflectInReports(
        s,
        id,
        { action },
        decided.map((r) => r.thoughtId),
      );
      return c.json({ action, results }, 200);
    })
    .openapi(waitingRoute, async (c) => {
      // One Query of the counts' index for every conversation, then the titles of those listed.
      const counts = await s.moderation.waitingCounts();
      const listed = counts.slice(0, maxListedConversations);
      const conversations = await s.conversations.getMany(listed.map((count) => count.conversationId));
      return c.json(
        {
          total: counts.reduce((sum, count) => sum + count.open, 0),
          conversations: listed.map((count) => ({
            id: count.conversationId,
            title: conversations.get(count.conversationId)?.title ?? "A conversation",
            waiting: count.open,
          })),
        },
        200,
      );
    })
    .openapi(logRoute, async (c) =>
      c.json({ entries: await s.moderation.log(c.req.valid("param").id) }, 200),
    );
}
