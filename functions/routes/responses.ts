import { z } from "@hono/zod-openapi";
import { can } from "../domain/person.js";
import { ConflictError, NotFoundError } from "../errors.js";
import type { ThemeResponse } from "../report/schema.js";
import type { Services } from "../services.js";
import { createRouter, idParam, json, problems, protectedRoute } from "./http.js";

const responseBodySchema = z.object({
  /** What leadership understood people to be saying. */
  heard: z.string().trim().min(2).max(2000),
  /** What leadership will do about it (or why not). */
  willDo: z.string().trim().min(2).max(2000),
  /** Who answers for it: a name or a role. */
  owner: z.string().trim().min(2).max(120),
});

const storedResponseSchema = responseBodySchema.extend({ themeId: z.string(), updatedAt: z.string() });

const respondRoute = protectedRoute(can.lead, {
  method: "put",
  path: "/conversations/{id}/themes/{themeId}/response",
  summary: "Write leadership's response to a theme (after closing, before publishing)",
  request: {
    params: z.object({ id: idParam, themeId: z.string().min(1).max(80) }),
    body: { content: { "application/json": { schema: responseBodySchema } }, required: true },
  },
  responses: { 200: json(storedResponseSchema, "Saved"), ...problems(404, 409) },
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
    const response = byTheme.get(theme.id);
    return response
      ? [{ themeId: response.themeId, heard: response.heard, willDo: response.willDo, owner: response.owner }]
      : [];
  });
}

export function responseRoutes(s: Services) {
  return createRouter().openapi(respondRoute, async (c) => {
    const { id, themeId } = c.req.valid("param");
    const conversation = await s.conversations.get(id);
    if (conversation.state !== "closed") {
      throw new ConflictError(
        `Responses are written after a conversation closes and before it is published; this one is ${conversation.state}.`,
      );
    }
    if (!conversation.reportVersion)
      throw new NotFoundError("No report has been computed for this conversation yet.");
    const { head } = await s.reports.read(id, conversation.reportVersion);
    if (!head.themes.some((t) => t.id === themeId)) {
      throw new NotFoundError("No theme has this id in the newest report.");
    }
    const saved = await s.themeResponses.save(id, { themeId, ...c.req.valid("json") });
    const caller = c.get("caller");
    await s.audit.record({
      actorId: caller.userId,
      actorEmail: caller.email,
      action: "theme.respond",
      target: `conversation:${id}`,
      details: { themeId },
    });
    return c.json(saved, 200);
  });
}
