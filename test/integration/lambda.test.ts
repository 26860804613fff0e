import { randomUUID } from "node:crypto";
import type { LambdaContext } from "hono/aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/api/handler.js";
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
