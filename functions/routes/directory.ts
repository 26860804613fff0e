import * as z from "zod";
import { syncIdentities } from "../auth/identity-sync.js";
import { audienceSchema } from "../domain/conversation.js";
import { can, type Person, personSchema } from "../domain/person.js";
import { UnsupportedMediaTypeError, ValidationError } from "../errors.js";
import type { Services } from "../services.js";
import { attributeValues, invitedCount, unknownValues } from "../workflows/audience.js";
import { createRouter, json, problems, protectedRoute } from "./http.js";

const importReportSchema = z.object({
  dryRun: z.boolean(),
  rows: z.int(),
  created: z.int(),
  updated: z.int(),
  unchanged: z.int(),
  /** People missing from the file who were deactivated (with deactivateMissing=true). */
  deactivated: z.int(),
  attributes: z.array(z.string()),
  /**
   * People whose identity-provider account is being invited, re-enabled or disabled to match
   * (Cognito, within a minute); 0 where people are admitted on their first sign-in.
   */
  accountsQueued: z.int(),
  /** The separator read: "," unless the header used ";" or a tab (spreadsheets in many locales). */
  delimiter: z.enum([",", ";", "\t"]),
  /** Who is added, changed (field by field) and deactivated: the first 200 of each. */
  changes: z.object({
    added: z.array(z.object({ email: z.string(), name: z.string(), role: z.string() })),
    changed: z.array(
      z.object({
        email: z.string(),
        name: z.string(),
        fields: z.array(z.object({ field: z.string(), from: z.string(), to: z.string() })),
      }),
    ),
    deactivated: z.array(z.object({ email: z.string(), name: z.string() })),
  }),
});

const listed = 200;

/** What an import changes about one person, in the directory's own field names. */
function differences(before: Person, after: Person): { field: string; from: string; to: string }[] {
  const out: { field: string; from: string; to: string }[] = [];
  if (before.name !== after.name) out.push({ field: "name", from: before.name, to: after.name });
  if (before.role !== after.role) out.push({ field: "role", from: before.role, to: after.role });
  if (before.active !== after.active)
    out.push({
      field: "status",
      from: before.active ? "active" : "inactive",
      to: after.active ? "active" : "inactive",
    });
  const names = new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)]);
  for (const name of [...names].sort()) {
    const from = before.attributes[name] ?? "";
    const to = after.attributes[name] ?? "";
    if (from !== to) out.push({ field: name, from, to });
  }
  return out;
}

const importRoute = protectedRoute(can.administer, {
  method: "post",
  path: "/import",
  summary: "Import people from CSV (email,name,role,<attributes…>); all rows or none",
  request: {
    query: z.object({
      dryRun: z.enum(["true", "false"]).optional(),
      /** The file is the whole directory: people not in it are deactivated (their history stays). */
      deactivateMissing: z.enum(["true", "false"]).optional(),
    }),
    body: { content: { "text/csv": { schema: z.string() } }, required: true },
  },
  responses: { 200: json(importReportSchema, "Imported (or checked, with dryRun)"), ...problems(413) },
});

const listRoute = protectedRoute(can.administer, {
  method: "get",
  path: "/",
  summary: "Everyone in the directory",
  responses: { 200: json(z.object({ people: z.array(personSchema) }), "The directory") },
});

const audienceValuesRoute = protectedRoute(can.facilitate, {
  method: "get",
  path: "/audience-values",
  summary: "The attribute values an audience can be picked from, with how many active people have each",
  responses: {
    200: json(
      z.object({
        attributes: z.array(
          z.object({ name: z.string(), values: z.array(z.object({ value: z.string(), people: z.int() })) }),
        ),
        everyone: z.int(),
      }),
      "The values",
    ),
  },
});

const audienceCountRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/audience-count",
  summary: "How many active people an audience invites, and the values it names that the directory lacks",
  request: {
    body: {
      content: { "application/json": { schema: z.object({ audience: audienceSchema }) } },
      required: true,
    },
  },
  responses: {
    200: json(
      z.object({
        invited: z.int(),
        unknown: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
      "The count",
    ),
  },
});

export function directoryRoutes(s: Services) {
  return (
    createRouter()
      .openapi(importRoute, async (c) => {
        const type = c.req.header("content-type") ?? "";
        if (!type.startsWith("text/csv"))
          throw new UnsupportedMediaTypeError("Send the directory as text/csv.");
        // The CSV parser is a lazy chunk (infra/bundle.ts): an import is rare, a cold start is not.
        const { parseDirectoryCsv } = await import("../domain/directory-import.js");
        const parsed = parseDirectoryCsv(await c.req.text());
        if (parsed.errors.length > 0) {
          throw new ValidationError(
            `${parsed.errors.length} problem(s) in the file; nothing was imported.`,
            parsed.errors,
          );
        }
        const existing = new Map((await s.directory.all()).map((p) => [p.email, p]));
        let created = 0;
        let unchanged = 0;
        const changed = parsed.people.flatMap((person) => {
          const before = existing.get(person.email);
          if (!before) {
            created++;
            return [person];
          }
          // The import owns directory fields; a person's own email preference and linked sign-in survive it.
          const after = {
            ...person,
            id: before.id,
            emailOptOut: before.emailOptOut,
            identity: before.identity,
          };
          if (samePerson(before, after)) {
            unchanged++;
            return [];
          }
          return [after];
        });
        const query = c.req.valid("query");
        const dryRun = query.dryRun === "true";
        const inFile = new Set(parsed.people.map((p) => p.email));
        const me = c.get("caller").userId;
        // Deactivating keeps the person (their participation counts stay true) but stops sign-in
        // and invitations. The admin importing is never deactivated by their own file.
        const deactivate =
          query.deactivateMissing === "true"
            ? [...existing.values()]
                .filter((p) => p.active && !inFile.has(p.email) && p.id !== me)
                .map((p) => ({ ...p, active: false }))
            : [];
        // Whose sign-in account changes: new people, people active again, and the deactivated.
        const accounts =
          s.identityDirectory.name === "none"
            ? []
            : [
                ...changed.filter((p) => !existing.get(p.email)?.active).map((p) => p.email),
                ...deactivate.map((p) => p.email),
              ];
        if (!dryRun) {
          // The hints go first: the sync reads the directory, so a hint without a write is harmless.
          await s.identitySync.queue(accounts);
          await s.directory.putMany([...changed, ...deactivate]);
          if (accounts.length > 0) {
            // The first few right away (a small import invites at once); the scheduler does the rest.
            await syncIdentities(s, 25).catch((error: Error) =>
              s.logger.warn("identity sync after import failed", { error: error.name }),
            );
          }
          const caller = c.get("caller");
          await s.audit.record({
            actorId: caller.userId,
            actorEmail: caller.email,
            action: "directory.import",
            target: "directory",
            details: { created, updated: changed.length - created, deactivated: deactivate.length },
          });
        }
        return c.json(
          {
            dryRun,
            rows: parsed.people.length,
            created,
            updated: changed.length - created,
            unchanged,
            deactivated: deactivate.length,
            attributes: parsed.attributeNames,
            accountsQueued: accounts.length,
            delimiter: parsed.delimiter,
            changes: {
              added: changed
                .filter((p) => !existing.has(p.email))
                .slice(0, listed)
                .map((p) => ({ email: p.email, name: p.name, role: p.role })),
              changed: changed
                .flatMap((p) => {
                  const before = existing.get(p.email);
                  return before
                    ? [{ email: p.email, name: p.name, fields: differences(before, p as Person) }]
                    : [];
                })
                .slice(0, listed),
              deactivated: deactivate.slice(0, listed).map((p) => ({ email: p.email, name: p.name })),
            },
          },
          200,
        );
      })
      .openapi(listRoute, async (c) => c.json({ people: await s.directory.all() }, 200))
      // Headcounts for staff building an audience (docs/anonymity.md "The audience picker's invited count").
      .openapi(audienceValuesRoute, async (c) => {
        const people = await s.directory.all();
        return c.json(
          { attributes: attributeValues(people), everyone: invitedCount(people, { kind: "everyone" }) },
          200,
        );
      })
      .openapi(audienceCountRoute, async (c) => {
        const { audience } = c.req.valid("json");
        const people = await s.directory.all();
        return c.json(
          { invited: invitedCount(people, audience), unknown: unknownValues(people, audience) },
          200,
        );
      })
  );
}

function samePerson(a: Person, b: Person): boolean {
  const attributes = (p: Person) => JSON.stringify(Object.entries(p.attributes).sort());
  return a.name === b.name && a.role === b.role && a.active === b.active && attributes(a) === attributes(b);
}
