import * as z from "zod";
import { acceptsRatings } from "../domain/lifecycle.js";
import { can } from "../domain/person.js";
import { ConflictError } from "../errors.js";
import type { Services } from "../services.js";
import { loadForParticipant } from "./access.js";
import { createRouter, idParam, json, problems, protectedRoute } from "./http.js";

const batchSchema = z.object({
  thoughts: z.array(z.object({ id: z.string(), text: z.string() })),
  rated: z.int(),
  target: z.int(),
});

const verdictSchema = z.union([
  z
    .object({ stars: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]) })
    .strict(),
  z.object({ skip: z.literal(true) }).strict(),
]);

const batchRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/{id}/rating-batch",
  summary: "The next thoughts to rate: open assignments first, then the least-rated",
  request: {
    params: z.object({ id: idParam }),
    query: z.object({ size: z.coerce.number().int().min(1).max(25).optional() }),
  },
  responses: { 200: json(batchSchema, "A batch (empty when nothing is left)"), ...problems(404, 409) },
});

const rateRoute = protectedRoute(can.participate, {
  method: "put",
  path: "/{id}/ratings/{thoughtId}",
  summary: "Rate (1–5 stars) or skip a thought you were given; changes are allowed while rating is open",
  request: {
    params: z.object({ id: idParam, thoughtId: idParam }),
    body: { content: { "application/json": { schema: verdictSchema } }, required: true },
  },
  responses: {
    200: json(
      z.object({
        thoughtId: z.string(),
        status: z.enum(["assigned", "rated", "skipped", "withdrawn"]),
        stars: z.int().optional(),
      }),
      "Recorded",
    ),
    ...problems(404, 409),
  },
});

export function ratingRoutes(s: Services) {
  return createRouter()
    .openapi(batchRoute, async (c) => {
      const caller = c.get("caller");
      const { id } = c.req.valid("param");
      const { conversation, keys, join } = await loadForParticipant(s, caller, id);
      if (!acceptsRatings(conversation.state)) {
        throw new ConflictError(`Rating is not open: this conversation is ${conversation.state}.`);
      }
      const joined = await join();
      const size = c.req.valid("query").size ?? conversation.settings.batchSize;
      const rater = { conversationId: id, attributes: joined.attributes, ...keys };
      const { thoughtIds, rated } = await s.ratings.assignBatch(rater, size);
      const texts = await s.thoughts.getMany(id, thoughtIds);
      const thoughts = thoughtIds.flatMap((thoughtId) => {
        const thought = texts.get(thoughtId);
        return thought && thought.status === "visible" ? [{ id: thoughtId, text: thought.text }] : [];
      });
      // Assignments of thoughts hidden since are withdrawn, so the next batch fills their slots.
      await Promise.all(
        thoughtIds.filter((t) => texts.get(t)?.status !== "visible").map((t) => s.ratings.withdraw(rater, t)),
      );
      return c.json({ thoughts, rated, target: conversation.settings.ratingTarget }, 200);
    })
    .openapi(rateRoute, async (c) => {
      const caller = c.get("caller");
      const { id, thoughtId } = c.req.valid("param");
      const { conversation, participation, keys } = await loadForParticipant(s, caller, id);
      if (!acceptsRatings(conversation.state)) {
        throw new ConflictError(`Rating is closed: this conversation is ${conversation.state}.`);
      }
      const result = await s.ratings.rate(
        { conversationId: id, attributes: participation?.attributes ?? {}, ...keys },
        thoughtId,
        c.req.valid("json"),
      );
      return c.json(result, 200);
    });
}
