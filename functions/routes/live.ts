import * as z from "zod";
import { can } from "../domain/person.js";
import type { Services } from "../services.js";
import { emergingThoughts } from "../workflows/live-view.js";
import { loadForParticipant } from "./access.js";
import { createRouter, idParam, json, problems, protectedRoute } from "./http.js";

const params = z.object({ id: idParam });

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
        thoughts: z.array(
          z.object({ id: z.string(), text: z.string(), ratings: z.int(), average: z.number() }),
        ),
      }),
      "The emerging thoughts, or how many ratings are still to go",
    ),
    ...problems(404),
  },
});

/** Issue 12: what is emerging while a conversation runs (workflows/live-view.ts). */
export function liveRoutes(s: Services) {
  return createRouter().openapi(participantRoute, async (c) => {
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
