import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { servicesFromEnvironment } from "../aws/environment.js";
import { createCoreServices } from "../core-services.js";
import type { AppDeps, CoreServices } from "../services.js";
import { createLazyApp } from "./lazy-app.js";
import { fromTrustedOrigin } from "./origin.js";

/**
 * The same API as the embedded default, behind API Gateway's HTTP API (payload v2), with each
 * route module loaded by its first request (lazy-app.ts).
 */
export function createHandler(deps: AppDeps) {
  return handlerOf(createCoreServices(deps));
}

function handlerOf(core: CoreServices) {
  return handle(createLazyApp(core) as unknown as Hono);
}

type Handler = ReturnType<typeof createHandler>;

/** What a request that did not come through CloudFront gets, before any app code runs. */
const notThroughTheSite = {
  statusCode: 403,
  headers: { "content-type": "application/problem+json" },
  body: JSON.stringify({
    type: "about:blank",
    title: "Forbidden",
    status: 403,
    detail: "Call the API through the Groundswell site's address (/api), not the API Gateway URL.",
  }),
};

/**
 * Refuses requests without CloudFront's origin-verify header (functions/api/origin.ts), so the
 * execute-api URL cannot skip the edge; ORIGIN_VERIFY unset (tests, tools) lets all through.
 */
export function requireOrigin(inner: Handler, expected = process.env.ORIGIN_VERIFY): Handler {
  return (async (event, context) => {
    const headers = (event as { headers?: Record<string, string | undefined> }).headers ?? {};
    if (!fromTrustedOrigin(headers, expected)) return notThroughTheSite;
    return inner(event, context);
  }) as Handler;
}

/** Built on the first invocation and reused while the execution environment lives. */
let cached: Handler | undefined;

export const handler: Handler = requireOrigin((async (event, context) => {
  // Closing a conversation starts a theme run on SQS; notices go to the mail queue.
  // The core services only: the repositories come with the first route module (lazy-app.ts).
  cached ??= handlerOf(await servicesFromEnvironment({ enqueue: true, mail: true }, (core) => core));
  return cached(event, context);
}) as Handler);
