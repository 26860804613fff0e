import * as z from "zod";
import { auditDetailsSchema } from "../db/items/audit.js";
import { can } from "../domain/person.js";
import {
  canonicalTimeZone,
  type OrganisationSettings,
  organisationSettingsSchema,
} from "../domain/settings.js";
import type { Services } from "../services.js";
import { createRouter, json, protectedRoute } from "./http.js";

const settingsViewSchema = organisationSettingsSchema.extend({ updatedAt: z.string().nullable() });

const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string(),
  actorEmail: z.string().optional(),
  action: z.string(),
  target: z.string(),
  details: auditDetailsSchema.optional(),
});

const getSettingsRoute = protectedRoute(can.administer, {
  method: "get",
  path: "/settings",
  summary: "Organisation settings and the defaults new conversations take",
  responses: { 200: json(settingsViewSchema, "The settings") },
});

const putSettingsRoute = protectedRoute(can.administer, {
  method: "put",
  path: "/settings",
  summary: "Replace the organisation settings",
  request: {
    body: { content: { "application/json": { schema: organisationSettingsSchema } }, required: true },
  },
  responses: { 200: json(settingsViewSchema, "Saved") },
});

const auditRoute = protectedRoute(can.administer, {
  method: "get",
  path: "/audit",
  summary: "What admins, facilitators and leaders did, newest first (50 per page)",
  request: { query: z.object({ cursor: z.string().max(2000).optional() }) },
  responses: {
    200: json(z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().optional() }), "A page"),
  },
});

/** Which fields changed, as dotted names: enough for the audit log, without copying values. */
function changedFields(before: OrganisationSettings, after: OrganisationSettings): string[] {
  const flat = (settings: OrganisationSettings): Record<string, unknown> => ({
    organisationName: settings.organisationName,
    timeZone: settings.timeZone,
    ...Object.fromEntries(Object.entries(settings.defaults).map(([k, v]) => [`defaults.${k}`, v])),
  });
  const [old, next] = [flat(before), flat(after)];
  return Object.keys(next).filter((key) => old[key] !== next[key]);
}

export function adminRoutes(s: Services) {
  return createRouter()
    .openapi(getSettingsRoute, async (c) => c.json(await s.settings.get(), 200))
    .openapi(putSettingsRoute, async (c) => {
      const caller = c.get("caller");
      const body = c.req.valid("json");
      const before = await s.settings.get();
      const saved = await s.settings.put({ ...body, timeZone: canonicalTimeZone(body.timeZone) });
      await s.audit.record({
        actorId: caller.userId,
        actorEmail: caller.email,
        action: "settings.update",
        target: "settings",
        details: { changed: changedFields(before, saved).join(", ") },
      });
      return c.json(saved, 200);
    })
    .openapi(auditRoute, async (c) => {
      const scope = { route: "audit.list", caller: c.get("caller").userId };
      const { entries, lastKey } = await s.audit.list(s.cursors.decode(scope, c.req.valid("query").cursor));
      const nextCursor = s.cursors.encode(scope, lastKey);
      return c.json({ entries, ...(nextCursor && { nextCursor }) }, 200);
    });
}
