import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { createApp } from "../app.js";
import { servicesFromEnvironment } from "../aws/environment.js";
import type { AppDeps } from "../services.js";

/** The same Hono app as the embedded default, behind API Gateway's HTTP API (payload v2). */
export function createHandler(deps: AppDeps) {
  return handle(createApp(deps) as unknown as Hono);
}

/** Built on the first invocation and reused while the execution environment lives. */
let cached: ReturnType<typeof createHandler> | undefined;

export const handler: ReturnType<typeof createHandler> = async (event, context) => {
  // Closing a conversation starts a theme run on SQS; the API's mail goes out through SES.
  cached ??= createHandler(await servicesFromEnvironment({ enqueue: true, mail: true }));
  return cached(event, context);
};
