import * as z from "zod";
import { can, personSchema } from "../domain/person.js";
import { NotFoundError } from "../errors.js";
import type { Mailbox } from "../notify/mailer.js";
import type { Services } from "../services.js";
import { createRouter, json, problems, protectedRoute } from "./http.js";

const meRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/me",
  summary: "The signed-in person",
  responses: { 200: json(personSchema, "Me"), ...problems(404) },
});

const preferencesRoute = protectedRoute(can.participate, {
  method: "put",
  path: "/me/preferences",
  summary: "Turn email (invitations, reminders, notices) off or on",
  request: {
    body: {
      content: { "application/json": { schema: z.object({ emailOptOut: z.boolean() }) } },
      required: true,
    },
  },
  responses: { 200: json(personSchema, "Saved"), ...problems(404) },
});

const mailSchema = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  kind: z.enum(["invitation", "reminder", "published"]),
  conversationId: z.string(),
  sentAt: z.string(),
});

const mailboxRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/mailbox",
  summary: "Mail sent to me (embedded default only: mail is kept in the data folder instead of sent)",
  responses: { 200: json(z.object({ messages: z.array(mailSchema) }), "My mail"), ...problems(404) },
});

const isMailbox = (mailer: unknown): mailer is Mailbox => typeof (mailer as Mailbox).list === "function";

export function meRoutes(s: Services) {
  return (
    createRouter()
      // The authentication middleware read the person from the directory for this request already.
      .openapi(meRoute, async (c) => c.json(c.get("caller").person, 200))
      .openapi(preferencesRoute, async (c) => {
        const { emailOptOut } = c.req.valid("json");
        return c.json(await s.directory.setEmailOptOut(c.get("caller").userId, emailOptOut), 200);
      })
      .openapi(mailboxRoute, async (c) => {
        const mailer = s.mail.mailer;
        if (!s.localIssuer || !isMailbox(mailer)) throw new NotFoundError("Mail is delivered to your inbox.");
        return c.json({ messages: mailer.list(c.get("caller").email) }, 200);
      })
  );
}
