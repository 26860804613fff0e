import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import * as z from "zod";
import type { AuthEnv } from "../auth/verify.js";
import { requireRole } from "../auth/verify.js";
import type { Role } from "../domain/person.js";
import { ValidationError } from "../errors.js";

/** RFC 9457 problem details, as every error response is shaped. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const problemStatuses = {
  400: "The request is not valid",
  401: "Sign-in required",
  403: "The caller's role does not allow this",
  404: "Not found",
  409: "Conflicts with the current state",
  413: "Request too large",
  503: "Temporarily unavailable; nothing was written",
} as const;
type ProblemStatus = keyof typeof problemStatuses;

export function problems(...statuses: ProblemStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemStatuses[status],
        content: { "application/problem+json": { schema: problemSchema } },
      },
    ]),
  ) as Record<
    ProblemStatus,
    { description: string; content: { "application/problem+json": { schema: typeof problemSchema } } }
  >;
}

/** A JSON response entry for a route's `responses`. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

type RouteInput = Parameters<typeof createRoute>[0];

/**
 * A protected route: the role guard runs as route middleware, and the allowed roles are written
 * into the OpenAPI document (`x-roles`), from which the authorization test is generated.
 */
export function protectedRoute<const R extends Omit<RouteInput, "middleware">>(
  roles: readonly Role[],
  route: R,
) {
  return createRoute({
    ...route,
    middleware: requireRole(roles),
    security: [{ bearer: [] }],
    "x-roles": roles,
    responses: { ...problems(400, 401, 403, 503), ...route.responses },
  } as R & { middleware: ReturnType<typeof requireRole> });
}

export function publicRoute<const R extends RouteInput>(route: R) {
  return createRoute(route);
}

/** A router built by createRouter; without S, whatever its routes. */
// biome-ignore lint/suspicious/noExplicitAny: what holds for every router does not depend on its routes' types
export type Router<S extends Schema = any> = OpenAPIHono<any, S, any>;

/** A sub-app whose request validation failures become field-level 400 problems. */
export function createRouter() {
  return new OpenAPIHono<AuthEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ValidationError(
          "Some fields are not valid.",
          result.error.issues.map((issue) => ({
            path: issue.path.join(".") || "(body)",
            message: issue.message,
          })),
        );
      }
    },
  });
}

export const idParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, "not a valid id");
export const idempotencyHeader = z.object({
  "idempotency-key": z.uuid({ error: "Idempotency-Key must be a UUID created by the client" }),
});
