import { randomUUID } from "node:crypto";
import type { Context, Schema } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { authenticate } from "./auth/verify.js";
import {
  DomainError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnreadableItemError,
  ValidationError,
} from "./errors.js";
import { usePlainZodMessages } from "./lib/plain-zod-messages.js";
import { admissionControl } from "./routes/admission.js";
import { servedApiDocument } from "./routes/api-document.js";
import { createRouter, type Router } from "./routes/http.js";
import type { CoreServices } from "./services.js";

/** Routes anyone may call: sign-in (embedded default only), the API description and health. */
const publicPaths = [/^\/api\/auth\/dev\//, /^\/api\/openapi\.json$/, /^\/api\/health$/];

/** Large enough for a long context document; a directory CSV gets its own, larger limit. */
const jsonLimit = 64 * 1024;
const csvLimit = 4 * 1024 * 1024;

/** AWS SDK failures that mean "try again later", not "your request is wrong". */
const transientErrorNames = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
  "TransactionInProgressException",
]);

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const meta = error as Error & { $fault?: string; $retryable?: unknown; code?: string };
  return (
    transientErrorNames.has(error.name) ||
    meta.$fault === "server" ||
    meta.$retryable !== undefined ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(meta.code ?? "")
  );
}

/**
 * The API around some routes: request log, admission, body limits, sign-in, the public routes,
 * and errors as problems. `createApp` (app.ts) puts every route in it; a Lambda puts one route
 * module in each (api/lazy-app.ts). The routes get the services the app is built from: every
 * repository for `createApp`, only the core ones for the Lambda's shell.
 */
// Generic in the routes' schema, not in the router type: inferring from a router type parameter
// would give Hono only its constraint's `any` schema, and the web's typed client (AppType) nothing.
export function createAppWith<C extends CoreServices, S extends Schema>(s: C, routesOf: (s: C) => Router<S>) {
  usePlainZodMessages();
  const authenticated = authenticate(s.verifier, s.people);

  const api = createRouter();
  api.use("*", async (c, next) => {
    const started = performance.now();
    const requestId = c.req.header("x-request-id")?.slice(0, 64) ?? randomUUID();
    c.header("x-request-id", requestId);
    await next();
    // The route pattern, never the concrete path: a path can hold a thought id (DESIGN §3.1).
    s.logger.info("request", {
      requestId,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });
  if (s.admission) api.use("*", admissionControl(s.admission));
  api.use("*", (c, next) => {
    const limit = c.req.header("content-type")?.startsWith("text/csv") ? csvLimit : jsonLimit;
    return bodyLimit({
      maxSize: limit,
      onError: () => {
        throw new PayloadTooLargeError(`The request body is larger than ${Math.round(limit / 1024)} KB.`);
      },
    })(c, next);
  });
  api.use("*", (c, next) => (publicPaths.some((p) => p.test(c.req.path)) ? next() : authenticated(c, next)));

  const routes = api.route("/", routesOf(s));
  routes.get("/openapi.json", async (c) => c.json(await servedApiDocument(routes)));
  routes.get("/health", (c) => c.json({ ok: true }));

  const app = new Hono().route("/api", routes);
  app.notFound((c) => problem(c, new NotFoundRoute()));
  app.onError((error, c) => {
    // A stored item failed its schema: the caller gets a problem, the operator a line naming its shape.
    if (error instanceof UnreadableItemError) s.logger.error("unreadable item", error.log);
    if (error instanceof DomainError) return problem(c, error);
    if (error instanceof HTTPException) {
      // Hono's own 400s (malformed JSON) and similar: keep the status, say it plainly.
      return problem(c, new ValidationError(error.message || "The request could not be read."), error.status);
    }
    if (isTransient(error)) {
      s.logger.warn("transient failure", { error: error.name });
      return problem(
        c,
        new ServiceUnavailableError("The service is busy. Nothing was saved; please try again."),
      );
    }
    s.logger.error("unhandled error", { error: error.name, detail: error.message.slice(0, 200) });
    return c.json(
      {
        type: "about:blank",
        title: "Internal error",
        status: 500,
        detail: "Something went wrong on our side. Nothing you sent was lost; please try again.",
      },
      500,
      { "content-type": "application/problem+json" },
    );
  });
  return app;
}

class NotFoundRoute extends DomainError {
  readonly status = 404;
  readonly title = "Not found";
  constructor() {
    super("There is nothing at this address.");
  }
}

function problem(c: Context, error: DomainError, status = error.status) {
  const body = {
    type: error.type,
    title: error.title,
    status,
    detail: error.message,
    instance: `urn:request:${c.res.headers.get("x-request-id") ?? "unknown"}`,
    ...error.extra,
  };
  if (status === 503) c.header("retry-after", "1");
  return c.json(body, status as 400, { "content-type": "application/problem+json" });
}
