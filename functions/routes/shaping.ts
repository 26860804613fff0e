import { randomUUID } from "node:crypto";
import * as z from "zod";
import { themesShapeable } from "../domain/lifecycle.js";
import { can } from "../domain/person.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { addOperation, maxMoves, ShapeError, type ShapeOperation } from "../report/shaping.js";
import type { Services } from "../services.js";
import { createRouter, idParam, json, problems, protectedRoute } from "./http.js";

const themeId = z.string().min(1).max(80);
const thoughtIds = z.array(z.string().min(1).max(80)).min(1).max(maxMoves);

const operationSchema = z.discriminatedUnion("op", [
  /** Every thought of `from` goes into `into`; `from` is gone. */
  z.object({ op: z.literal("merge"), from: themeId, into: themeId }),
  /** These thoughts go into an existing theme. */
  z.object({ op: z.literal("move"), thoughtIds, into: themeId }),
  /** These thoughts make a new theme with this title. */
  z.object({ op: z.literal("split"), thoughtIds, title: z.string().trim().min(2).max(120) }),
]);

const shapeRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/conversations/{id}/themes/shape",
  summary:
    "Merge two themes, split thoughts off into a new theme, or move thoughts to another theme; kept across re-runs",
  request: {
    params: z.object({ id: idParam }),
    body: { content: { "application/json": { schema: operationSchema } }, required: true },
  },
  responses: {
    202: json(
      z.object({ jobId: z.string(), themeId: z.string().optional() }),
      "Accepted: the report is re-computed (a job); `themeId` names a new theme",
    ),
    ...problems(404, 409),
  },
});

export function shapingRoutes(s: Services) {
  return createRouter().openapi(shapeRoute, async (c) => {
    const { id } = c.req.valid("param");
    const conversation = await s.conversations.get(id);
    if (!themesShapeable(conversation.state)) {
      throw new ConflictError(
        `Themes are shaped while the report is prepared, before publishing; this conversation is ${conversation.state}.`,
      );
    }
    if (!conversation.reportVersion)
      throw new NotFoundError("No report has been computed for this conversation yet.");
    const body = c.req.valid("json");
    const operation: ShapeOperation =
      body.op === "split" ? { ...body, id: `made-${randomUUID().slice(0, 8)}` } : body;
    const version = conversation.reportVersion;
    const { head } = await s.reports.read(id, version);
    const themeOf = new Map<string, string | null>();
    for await (const page of s.reports.allThoughts(id, version))
      for (const t of page) themeOf.set(t.id, t.themeId);
    const stored = await s.themeShaping.get(id);
    let next: ReturnType<typeof addOperation>;
    try {
      next = addOperation(stored, operation, { themes: head.themes, themeOf });
    } catch (error) {
      if (error instanceof ShapeError)
        throw new ValidationError(error.message, [{ path: error.path, message: error.message }]);
      throw error;
    }
    await s.themeShaping.save(id, next, stored.revision);
    const caller = c.get("caller");
    // Which themes, never which thoughts: the audit log names no thought (DESIGN §3).
    await s.audit.record({
      actorId: caller.userId,
      actorEmail: caller.email,
      action: "theme.shape",
      target: `conversation:${id}`,
      details: {
        op: operation.op,
        ...(operation.op === "merge" && { from: operation.from, into: operation.into }),
        ...(operation.op === "move" && { into: operation.into, moved: operation.thoughtIds.length }),
        ...(operation.op === "split" && { themeId: operation.id, moved: operation.thoughtIds.length }),
      },
    });
    // A run already going reads the shaping as it finishes, so it takes this change in too.
    const { job, created } = await s.jobs.startThemeRun(id);
    if (created) await s.queue.enqueue({ jobId: job.id, conversationId: id, reshape: true });
    return c.json({ jobId: job.id, ...(operation.op === "split" && { themeId: operation.id }) }, 202);
  });
}
