import { randomUUID } from "node:crypto";
import type { LambdaContext, LambdaEvent } from "hono/aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/api/handler.js";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
let handler: ReturnType<typeof createHandler>;
beforeAll(async () => {
  h = await createHarness();
  handler = createHandler(h.deps);
});

/** An API Gateway HTTP API (payload format 2.0) event, as the service sends it. */
function httpApiEvent(
  method: string,
  path: string,
  init: { token?: string; body?: unknown; query?: string } = {},
) {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return {
    version: "2.0",
    routeKey: "ANY /api/{proxy+}",
    rawPath: path,
    rawQueryString: init.query ?? "",
    cookies: [],
    headers: {
      accept: "application/json",
      "content-type": "application/json",
      host: "abc123.execute-api.eu-central-1.amazonaws.com",
      "user-agent": "vitest",
      "x-forwarded-for": "203.0.113.9",
      "x-forwarded-proto": "https",
      ...(init.token && { authorization: `Bearer ${init.token}` }),
      ...(method === "POST" && { "idempotency-key": randomUUID() }),
    },
    queryStringParameters: init.query ? Object.fromEntries(new URLSearchParams(init.query)) : undefined,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.eu-central-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.9", userAgent: "vitest" },
      requestId: randomUUID(),
      routeKey: "ANY /api/{proxy+}",
      stage: "$default",
      time: "21/Nov/2026:10:00:00 +0000",
      timeEpoch: Date.now(),
    },
    pathParameters: { proxy: path.replace(/^\/api\//, "") },
    body,
    isBase64Encoded: false,
  } as unknown as LambdaEvent;
}

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
