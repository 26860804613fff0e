import * as z from "zod";
import type { Thought } from "../db/items/thoughts.js";
import { idempotencyRecordKey, personKeys } from "../domain/author-key.js";
import { queueReasons } from "../domain/moderation.js";
import { can } from "../domain/person.js";
import { initialStatus, screenThought } from "../domain/screen.js";
import { ValidationError } from "../errors.js";
import { requestHash } from "../repositories/idempotency.js";
import type { Services } from "../services.js";
import { screenForSharing } from "../workflows/screen-share.js";
import { loadForParticipant } from "./access.js";
import { createRouter, idempotencyHeader, idParam, json, problems, protectedRoute } from "./http.js";

const myThoughtSchema = z.object({
  id: z.string(),
  text: z.string(),
  createdDay: z.string(),
  status: z.enum(["visible", "pending", "hidden"]),
  needsReview: z.boolean(),
  /** In the rating pool; a visible thought that is not waits for the next release round (DESIGN §3.7). */
  pooled: z.boolean(),
  /** A moderator removed a name or detail from it (redact-and-keep): the text shown is theirs. */
  editedByModerator: z.boolean(),
});

const shareResultSchema = myThoughtSchema.extend({
  /** What the server changed or flagged, so the author sees it. */
  warnings: z.array(z.enum(["email", "phone", "name", "language", "model"])),
});

const shareRoute = protectedRoute(can.participate, {
  method: "post",
  path: "/{id}/thoughts",
  summary: "Share a thought (anonymously)",
  request: {
    params: z.object({ id: idParam }),
    headers: idempotencyHeader,
    body: {
      content: { "application/json": { schema: z.object({ text: z.string().max(20_000) }) } },
      required: true,
    },
  },
  responses: {
    201: json(shareResultSchema, "Shared"),
    200: json(shareResultSchema, "Already shared with this Idempotency-Key"),
    ...problems(404, 409),
  },
});

const mineRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/{id}/thoughts/mine",
  summary: "The caller's own thoughts in this conversation",
  request: { params: z.object({ id: idParam }) },
  responses: { 200: json(z.object({ thoughts: z.array(myThoughtSchema) }), "My thoughts"), ...problems(404) },
});

const asMine = (t: Thought) => ({
  id: t.id,
  text: t.text,
  createdDay: t.createdDay,
  status: t.status,
  needsReview: t.needsReview,
  pooled: t.pooled,
  editedByModerator: t.editedByModerator,
});

export function thoughtRoutes(s: Services) {
  return createRouter()
    .openapi(shareRoute, async (c) => {
      const caller = c.get("caller");
      const { id } = c.req.valid("param");
      const { "idempotency-key": clientKey } = c.req.valid("header");
      const { conversation, keys, join } = await loadForParticipant(s, caller, id);
      const screened = screenThought(c.req.valid("json").text);
      const limit = conversation.settings.thoughtMaxLength;
      if (screened.text.length < 3) {
        throw new ValidationError("Your thought is empty.", [
          { path: "text", message: "write at least a few words" },
        ]);
      }
      if (screened.text.length > limit) {
        throw new ValidationError(`Your thought is longer than ${limit} characters.`, [
          { path: "text", message: `at most ${limit} characters (this one has ${screened.text.length})` },
        ]);
      }
      // Asked while the join is written: neither depends on the other.
      const [result, joined] = await Promise.all([screenForSharing(s, screened), join()]);
      const { thought, replayed } = await s.thoughts.share({
        conversationId: id,
        participantKey: keys.participantKey,
        text: result.text,
        authorKey: keys.authorKey,
        attributes: joined.attributes,
        // A flagged thought waits for a moderator in every mode; pre-moderation holds them all.
        status: initialStatus(conversation.settings.moderation, result),
        needsReview: result.needsReview,
        reviewReasons: queueReasons(conversation.settings.moderation, result),
        maxPerPerson: conversation.settings.maxThoughtsPerPerson,
        idempotency: {
          recordKey: idempotencyRecordKey(s.authorKeySecret, caller.userId, clientKey, `thought:${id}`),
          requestHash: requestHash(result.text),
        },
      });
      return c.json({ ...asMine(thought), warnings: [...result.warnings] }, replayed ? 200 : 201);
    })
    .openapi(mineRoute, async (c) => {
      const caller = c.get("caller");
      const { id } = c.req.valid("param");
      await loadForParticipant(s, caller, id);
      const thoughts = await s.thoughts.mine(personKeys(s.authorKeySecret, id, caller.userId).authorKey);
      return c.json({ thoughts: thoughts.map(asMine) }, 200);
    });
}
