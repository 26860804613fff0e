import * as z from "zod";
import { personSchema } from "../domain/person.js";
import { NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { createRouter, json, problems, publicRoute } from "./http.js";

const loginRoute = publicRoute({
  method: "post",
  path: "/auth/dev/login",
  summary: "Sign in as a directory person (embedded default only)",
  request: {
    body: { content: { "application/json": { schema: z.object({ email: z.email() }) } }, required: true },
  },
  responses: {
    200: json(z.object({ token: z.string(), person: personSchema }), "Signed in"),
    ...problems(400, 404),
  },
});

const peopleRoute = publicRoute({
  method: "get",
  path: "/auth/dev/people",
  summary: "People the sign-in page lists (embedded default only)",
  responses: {
    200: json(
      z.object({
        people: z.array(personSchema.pick({ email: true, name: true, role: true, attributes: true })),
      }),
      "People",
    ),
    ...problems(404),
  },
});

/**
 * The dev sign-in exists only when a local issuer is injected (the embedded default). In AWS the
 * routes answer 404, exactly like a route that does not exist.
 */
export function authRoutes(s: Services) {
  const issuer = () => {
    if (!s.localIssuer) throw new NotFoundError("Sign in through your company's identity provider.");
    return s.localIssuer;
  };
  return createRouter()
    .openapi(loginRoute, async (c) => {
      const signer = issuer();
      const person = await s.directory.findByEmail(c.req.valid("json").email);
      if (!person?.active) throw new NotFoundError("Nobody in the directory has this email.");
      return c.json({ token: await signer.sign(person), person }, 200);
    })
    .openapi(peopleRoute, async (c) => {
      issuer();
      const people = (await s.directory.all())
        .filter((p) => p.active)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(({ email, name, role, attributes }) => ({ email, name, role, attributes }));
      return c.json({ people }, 200);
    });
}
