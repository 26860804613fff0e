import * as z from "zod";
import { responsesWritable } from "../domain/lifecycle.js";
import { can } from "../domain/person.js";
import { isDueDate, responseStatuses, responseText, statusEditableStates } from "../domain/responses.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { type ThemeResponse, themeResponseSchema } from "../report/schema.js";
import type { Services } from "../services.js";
import { createRouter, idParam, json, problems, protectedRoute } from "./http.js";

const dueDateSchema = z
  .string()
  .refine(isDueDate, { message: "use a calendar day, like 2027-03-31" })
  .openapi({ example: "2027-03-31" });

const responseBodySchema = z.object({
  /** What leadership understood people to be saying. */
  heard: z.string().trim().min(responseText.heard.min).max(responseText.heard.max),
  /** What leadership will do about it (or why not). */
  willDo: z.string().trim().min(responseText.willDo.min).max(responseText.willDo.max),
  /** Who answers for it: an active person in the directory (GET …/response-owners finds them). */
  ownerId: z.string().min(1).max(80),
  /** When it is due: a calendar day. */
  dueDate: dueDateSchema.optional(),
  status: z.enum(responseStatuses).default("open"),
});

const followUpSchema = z
  .object({
    status: z.enum(responseStatuses).optional(),
    /** A new due date; null takes the date away. */
    dueDate: dueDateSchema.nullable().optional(),
  })
  .refine((v) => v.status !== undefined || v.dueDate !== undefined, { message: "nothing to change" });

const storedResponseSchema = themeResponseSchema.extend({ updatedAt: z.string() });

const themeParams = z.object({ id: idParam, themeId: z.string().min(1).max(80) });

const respondRoute = protectedRoute(can.lead, {
  method: "put",
  path: "/conversations/{id}/themes/{themeId}/response",
  summary: "Write leadership's response to a theme (after closing, before publishing)",
  request: {
    params: themeParams,
    body: { content: { "application/json": { schema: responseBodySchema } }, required: true },
  },
  responses: { 200: json(storedResponseSchema, "Saved"), ...problems(404, 409) },
});

const followUpRoute = protectedRoute(can.lead, {
  method: "patch",
  path: "/conversations/{id}/themes/{themeId}/response",
  summary: "Follow a response up: its status or due date (also after publishing)",
  request: {
    params: themeParams,
    body: { content: { "application/json": { schema: followUpSchema } }, required: true },
  },
  responses: { 200: json(storedResponseSchema, "Saved"), ...problems(404, 409) },
});

const ownerSchema = z.object({ id: z.string(), name: z.string(), email: z.string() });

const ownersRoute = protectedRoute(can.lead, {
  method: "get",
  path: "/conversations/{id}/response-owners",
  summary: "Active people in the directory who can own a response, by name or email",
  request: {
    params: z.object({ id: idParam }),
    query: z.object({ q: z.string().trim().max(responseText.ownerQuery.max).default("") }),
  },
  responses: { 200: json(z.object({ people: z.array(ownerSchema) }), "Up to 20 people"), ...problems(404) },
});

/**
 * The responses shown with a report (`reports.ts` reads them beside the report): those for themes
 * the report has, in its theme order. A theme gone after a re-run takes its response out of view.
 * Participants only ever read published reports, so they see what leadership published.
 */
export function responsesFor(
  themes: readonly { id: string }[],
  stored: readonly ThemeResponse[],
): ThemeResponse[] {
  const byTheme = new Map(stored.map((r) => [r.themeId, r]));
  return themes.flatMap((theme) => {
    const r = byTheme.get(theme.id);
    return r
      ? [
          {
            themeId: r.themeId,
            heard: r.heard,
            willDo: r.willDo,
            owner: r.owner,
            ...(r.ownerId && { ownerId: r.ownerId }),
            ...(r.dueDate && { dueDate: r.dueDate }),
            ...(r.status && { status: r.status }),
          },
        ]
      : [];
  });
}

/** Lower-cased words of a search, every one of which must start a word of the name or the email. */
const matches = (query: string) => {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return (person: { name: string; email: string }) => {
    const haystack = `${person.name} ${person.email.replace(/[@.]/g, " ")}`.toLowerCase().split(/\s+/);
    return words.every((w) => haystack.some((h) => h.startsWith(w)));
  };
};

export function responseRoutes(s: Services) {
  const themeOfNewest = async (id: string, themeId: string) => {
    const conversation = await s.conversations.get(id);
    if (!conversation.reportVersion)
      throw new NotFoundError("No report has been computed for this conversation yet.");
    const { head } = await s.reports.read(id, conversation.reportVersion);
    if (!head.themes.some((t) => t.id === themeId)) {
      throw new NotFoundError("No theme has this id in the newest report.");
    }
    return conversation;
  };

  return createRouter()
    .openapi(respondRoute, async (c) => {
      const { id, themeId } = c.req.valid("param");
      const conversation = await s.conversations.get(id);
      if (!responsesWritable(conversation.state)) {
        throw new ConflictError(
          `Responses are written after a conversation closes and before it is published; this one is ${conversation.state}.`,
        );
      }
      await themeOfNewest(id, themeId);
      const { ownerId, dueDate, ...body } = c.req.valid("json");
      const owner = await s.directory.get(ownerId).catch(() => undefined);
      if (!owner?.active) {
        throw new ValidationError("The owner must be an active person in the directory.", [
          { path: "ownerId", message: "Pick the owner from the directory." },
        ]);
      }
      // The name is kept beside the id: the published response reads the same if the person leaves.
      const saved = await s.themeResponses.save(id, {
        themeId,
        ...body,
        owner: owner.name,
        ownerId: owner.id,
        ...(dueDate && { dueDate }),
      });
      const caller = c.get("caller");
      await s.audit.record({
        actorId: caller.userId,
        actorEmail: caller.email,
        action: "theme.respond",
        target: `conversation:${id}`,
        details: { themeId, ownerId: owner.id, status: body.status },
      });
      return c.json(saved, 200);
    })
    .openapi(followUpRoute, async (c) => {
      const { id, themeId } = c.req.valid("param");
      const conversation = await s.conversations.get(id);
      if (!(statusEditableStates as readonly string[]).includes(conversation.state)) {
        throw new ConflictError(
          `A response's status is followed up once the conversation closes; this one is ${conversation.state}.`,
        );
      }
      const change = c.req.valid("json");
      const saved = await s.themeResponses.followUp(id, themeId, change);
      const caller = c.get("caller");
      await s.audit.record({
        actorId: caller.userId,
        actorEmail: caller.email,
        action: "theme.follow-up",
        target: `conversation:${id}`,
        details: { themeId, ...change },
      });
      return c.json(saved, 200);
    })
    .openapi(ownersRoute, async (c) => {
      const { id } = c.req.valid("param");
      await s.conversations.get(id); // 404 for an unknown conversation
      const { q } = c.req.valid("query");
      const found = (await s.directory.all())
        .filter((p) => p.active && matches(q)(p))
        .sort((a, b) => a.name.localeCompare(b.name))
        .slice(0, 20)
        .map((p) => ({ id: p.id, name: p.name, email: p.email }));
      return c.json({ people: found }, 200);
    });
}
