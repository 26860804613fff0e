import * as z from "zod";
import type { Caller } from "../auth/verify.js";
import type { StoredConversation } from "../db/items/conversations.js";
import { idempotencyRecordKey, personKeys } from "../domain/author-key.js";
import {
  type Audience,
  audienceIncludes,
  conversationSchema,
  countsSchema,
  createConversationSchema,
  transitionSchema,
  updateConversationSchema,
} from "../domain/conversation.js";
import { allowedTransitions, visibleToParticipants } from "../domain/lifecycle.js";
import { can } from "../domain/person.js";
import { requestHash } from "../repositories/idempotency.js";
import { participationOf } from "../repositories/participation.js";
import { scheduleEvents } from "../scheduler/due.js";
import type { Services } from "../services.js";
import { checkedInvited } from "../workflows/audience.js";
import { shownCounts } from "../workflows/release-round.js";
import { transitionConversation } from "../workflows/transition.js";
import { isFacilitator, isStaff, loadForViewer } from "./access.js";
import { createRouter, idempotencyHeader, idParam, json, problems, protectedRoute } from "./http.js";

const progressSchema = z.object({
  joined: z.boolean(),
  thoughts: z.int(),
  rated: z.int(),
  skipped: z.int(),
  ratingTarget: z.int(),
  /** The caller may take part: they joined, or the audience includes them. Staff outside it follow only. */
  inAudience: z.boolean(),
});

export const conversationViewSchema = conversationSchema.extend({
  /** The caller's own progress. */
  me: progressSchema,
  /** Aggregate counts; present for facilitators, leaders and admins. */
  counts: countsSchema.optional(),
  nextStates: z.array(conversationSchema.shape.state),
  /** The organisation's time zone (admin settings): deadlines are shown in it to everyone. */
  timeZone: z.string(),
  /** The newest computed report, the one leaders approved, and a theme run in progress. */
  reportVersion: z.int().optional(),
  approvedReportVersion: z.int().optional(),
  activeJobId: z.string().optional(),
  lastJobId: z.string().optional(),
});

const params = z.object({ id: idParam });

const createRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/",
  summary: "Create a conversation from a template",
  request: {
    headers: idempotencyHeader,
    body: { content: { "application/json": { schema: createConversationSchema } }, required: true },
  },
  responses: { 201: json(conversationViewSchema, "Created"), ...problems(409) },
});

const listRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/",
  summary: "Conversations the caller can see, newest first",
  responses: { 200: json(z.object({ conversations: z.array(conversationViewSchema) }), "The list") },
});

const getRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/{id}",
  summary: "One conversation with the caller's progress",
  request: { params },
  responses: { 200: json(conversationViewSchema, "The conversation"), ...problems(404) },
});

const updateRoute = protectedRoute(can.facilitate, {
  method: "patch",
  path: "/{id}",
  summary: "Edit a conversation (settings only before it opens)",
  request: {
    params,
    body: { content: { "application/json": { schema: updateConversationSchema } }, required: true },
  },
  responses: { 200: json(conversationViewSchema, "Updated"), ...problems(404, 409) },
});

const transitionRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/{id}/transition",
  summary: "Move a conversation to its next state",
  request: {
    params,
    body: { content: { "application/json": { schema: transitionSchema } }, required: true },
  },
  responses: { 200: json(conversationViewSchema, "Moved"), ...problems(404, 409) },
});

/** The settings fields the client really sent (the parsed body has every field, defaults filled in). */
const sentSettings = async (req: { json: () => Promise<unknown> }) =>
  Object.keys(((await req.json()) as { settings?: object }).settings ?? {});

export function conversationRoutes(s: Services) {
  const view = async (
    conversation: StoredConversation | (z.infer<typeof conversationSchema> & { invited?: number }),
    caller: Caller,
    inAudience: boolean,
    participation?: { thoughtCount: number; ratingCount: number; skipCount: number },
    timeZone?: string,
  ): Promise<z.infer<typeof conversationViewSchema>> => {
    const { invited = 0, ...rest } = conversation;
    return {
      ...rest,
      me: {
        joined: participation !== undefined,
        thoughts: participation?.thoughtCount ?? 0,
        rated: participation?.ratingCount ?? 0,
        skipped: participation?.skipCount ?? 0,
        ratingTarget: conversation.settings.ratingTarget,
        inAudience: participation !== undefined || inAudience,
      },
      // While sharing, the counts of the last release round (DESIGN §3.7), not the live sums.
      ...(isStaff(caller) && { counts: await shownCounts(s, { ...conversation, invited }) }),
      nextStates: [...allowedTransitions(conversation.state)],
      timeZone: timeZone ?? (await organisationZone()),
    };
  };
  const organisationZone = async () => (await s.settings.get()).timeZone;

  /** For the views a facilitator's own write answers with (they never joined by writing). */
  const callerInAudience = async (caller: Caller, audience: Audience) =>
    audienceIncludes(audience, caller.person.attributes);

  return createRouter()
    .openapi(createRoute, async (c) => {
      const caller = c.get("caller");
      const body = c.req.valid("json");
      const { "idempotency-key": clientKey } = c.req.valid("header");
      const recordKey = idempotencyRecordKey(s.authorKeySecret, caller.userId, clientKey, "conversation");
      const created = await s.conversations.createOnce(
        // The admin's defaults fill what the facilitator left out (the hash stays the request's).
        { ...body, settings: await s.settings.forNewConversation(body.settings, await sentSettings(c.req)) },
        await checkedInvited(s, body.audience ?? { kind: "everyone" }),
        { recordKey, requestHash: requestHash(body) },
      );
      await s.audit.record({
        actorId: caller.userId,
        actorEmail: caller.email,
        action: "conversation.create",
        target: `conversation:${created.id}`,
        details: { template: created.template },
      });
      return c.json(await view(created, caller, await callerInAudience(caller, created.audience)), 201);
    })
    .openapi(listRoute, async (c) => {
      const caller = c.get("caller");
      const { items } = await s.conversations.list();
      const { attributes } = caller.person;
      // Facilitators see drafts too; leaders every opened conversation whatever its audience
      // (DESIGN §2); everyone else what is open to them.
      const visible = items.filter(
        (conv) =>
          isFacilitator(caller) ||
          (visibleToParticipants(conv.state) &&
            (isStaff(caller) || audienceIncludes(conv.audience, attributes))),
      );
      const mine = await participationOf(
        s.db,
        visible.map((conv) => ({
          conversationId: conv.id,
          participantKey: personKeys(s.authorKeySecret, conv.id, caller.userId).participantKey,
        })),
      );
      const timeZone = await organisationZone();
      const conversations = await Promise.all(
        visible.map((conv) =>
          view(conv, caller, audienceIncludes(conv.audience, attributes), mine.get(conv.id), timeZone),
        ),
      );
      return c.json({ conversations }, 200);
    })
    .openapi(getRoute, async (c) => {
      const caller = c.get("caller");
      const { conversation, participation, inAudience } = await loadForViewer(
        s,
        caller,
        c.req.valid("param").id,
      );
      return c.json(await view(conversation, caller, await inAudience(), participation), 200);
    })
    .openapi(updateRoute, async (c) => {
      const caller = c.get("caller");
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      const invited = patch.audience
        ? await checkedInvited(s, patch.audience, (await s.conversations.get(id)).audience)
        : undefined;
      const updated = await s.conversations.update(id, patch, invited);
      const current = await s.conversations.get(id);
      if (patch.schedule !== undefined) await s.due.replaceSchedule(id, scheduleEvents(current));
      await s.audit.record({
        actorId: caller.userId,
        actorEmail: caller.email,
        action: "conversation.update",
        target: `conversation:${id}`,
        details: { fields: Object.keys(patch).join(",") },
      });
      return c.json(
        await view(
          { ...updated, invited: current.invited },
          caller,
          await callerInAudience(caller, updated.audience),
        ),
        200,
      );
    })
    .openapi(transitionRoute, async (c) => {
      const caller = c.get("caller");
      const { id } = c.req.valid("param");
      const { to } = c.req.valid("json");
      const moved = await transitionConversation(s, id, to);
      await s.audit.record({
        actorId: caller.userId,
        actorEmail: caller.email,
        action: "conversation.transition",
        target: `conversation:${id}`,
        details: { to },
      });
      return c.json(await view(moved, caller, await callerInAudience(caller, moved.audience)), 200);
    });
}
