import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { LambdaContext } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/api/handler.js";
import { bundleLambda } from "../../infra/bundle.js";
import { httpApiEvent } from "../helpers/aws-events.js";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
let handler: ReturnType<typeof createHandler>;
beforeAll(async () => {
  h = await createHarness();
  handler = createHandler(h.deps);
});

const context = {
  awsRequestId: randomUUID(),
  functionName: "api",
  getRemainingTimeInMillis: () => 10_000,
} as unknown as LambdaContext;

describe("Lambda entry (hono/aws-lambda)", () => {
  it("serves the API for an HTTP API v2 event against DynamoDB", async () => {
    const token = await h.tokenFor("facilitator@example.com");
    const created = (await handler(
      httpApiEvent("POST", "/api/conversations", { token, body: { template: "strategy-input" } }),
      context,
    )) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(created.statusCode).toBe(201);
    const conversation = JSON.parse(created.body);
    expect(conversation.state).toBe("draft");

    const fetched = (await handler(
      httpApiEvent("GET", `/api/conversations/${conversation.id}`, { token }),
      context,
    )) as { statusCode: number; body: string };
    expect(fetched.statusCode).toBe(200);
    expect(JSON.parse(fetched.body).id).toBe(conversation.id);
  });

  it("answers problems the same way: unauthenticated and malformed events", async () => {
    const unauthenticated = (await handler(httpApiEvent("GET", "/api/conversations"), context)) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers["content-type"]).toContain("application/problem+json");
    const token = await h.tokenFor("amara.okafor@example.com");
    const badQuery = (await handler(
      httpApiEvent("GET", `/api/conversations/${randomUUID()}/rating-batch`, { token, query: "size=abc" }),
      context,
    )) as { statusCode: number };
    expect(badQuery.statusCode).toBe(400);
  });

  it("does not offer the embedded default's sign-in when no local issuer is configured", async () => {
    const { localIssuer: _none, ...awsDeps } = h.deps;
    const aws = createHandler(awsDeps);
    const login = (await aws(
      httpApiEvent("POST", "/api/auth/dev/login", { body: { email: "admin@example.com" } }),
      context,
    )) as { statusCode: number };
    expect(login.statusCode).toBe(404);
  });
});

/**
 * The bundle that deploys (infra/bundle.ts) generates the OpenAPI document when it is built and
 * leaves the generator out of its runtime: it must still serve the document the app generates
 * from its routes, and validate and guard requests as the routes declare.
 */
describe("the API's Lambda bundle", () => {
  // Inside the repository, so the bundle's imports of the AWS SDK resolve as on Lambda's runtime.
  const cache = join("node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const out = resolve(mkdtempSync(join(cache, "groundswell-lambda-test-")));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let bundled: typeof createHandler;

  beforeAll(async () => {
    const { file } = await bundleLambda("functions/api/handler.ts", out);
    ({ createHandler: bundled } = await import(pathToFileURL(file).href));
  }, 120_000);

  it("serves the OpenAPI document generated at build, the same as the app's", async () => {
    const served = (await bundled(h.deps)(httpApiEvent("GET", "/api/openapi.json"), context)) as {
      statusCode: number;
      body: string;
    };
    expect(served.statusCode).toBe(200);
    const generated = await h.call("GET", "/api/openapi.json");
    expect(JSON.parse(served.body)).toEqual(generated.body);
    expect(Object.keys(generated.body.paths).length).toBeGreaterThan(30);
  });

  it("validates bodies and guards roles as the routes declare", async () => {
    const api = bundled(h.deps);
    const employee = await h.tokenFor("amara.okafor@example.com");
    const refused = (await api(
      httpApiEvent("POST", "/api/conversations", { token: employee, body: { template: "strategy-input" } }),
      context,
    )) as { statusCode: number };
    expect(refused.statusCode).toBe(403);
    const facilitator = await h.tokenFor("facilitator@example.com");
    const invalid = (await api(
      httpApiEvent("POST", "/api/conversations", { token: facilitator, body: { template: 7 } }),
      context,
    )) as { statusCode: number; body: string };
    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body).errors.map((e: { path: string }) => e.path)).toEqual(["template"]);
  });
});
