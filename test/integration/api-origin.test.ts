import { randomUUID } from "node:crypto";
import type { LambdaContext } from "hono/aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { createHandler, requireOrigin } from "../../functions/api/handler.js";
import { ORIGIN_VERIFY_HEADER } from "../../functions/api/origin.js";
import { httpApiEvent } from "../helpers/aws-events.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * While the site has no custom domain the execute-api URL stays reachable (CloudFront needs it);
 * the handler then answers only requests that carry CloudFront's origin-verify header.
 */
let h: Harness;
let handler: ReturnType<typeof createHandler>;
const secret = randomUUID();
const context = {
  awsRequestId: randomUUID(),
  getRemainingTimeInMillis: () => 10_000,
} as unknown as LambdaContext;
type Result = { statusCode: number; body: string; headers: Record<string, string> };

beforeAll(async () => {
  h = await createHarness();
  handler = requireOrigin(createHandler(h.deps), secret);
});

describe("origin verification", () => {
  it("serves requests forwarded by CloudFront", async () => {
    const token = await h.tokenFor("facilitator@example.com");
    const reply = (await handler(
      httpApiEvent("GET", "/api/conversations", { token, headers: { [ORIGIN_VERIFY_HEADER]: secret } }),
      context,
    )) as Result;
    expect(reply.statusCode).toBe(200);
  });

  it("refuses a direct call, even with a valid token, with a problem document and no data", async () => {
    const token = await h.tokenFor("facilitator@example.com");
    const attempts: Record<string, string>[] = [
      {},
      { [ORIGIN_VERIFY_HEADER]: "guess" },
      { [ORIGIN_VERIFY_HEADER]: `${secret}x` },
    ];
    for (const headers of attempts) {
      const reply = (await handler(
        httpApiEvent("GET", "/api/conversations", { token, headers }),
        context,
      )) as Result;
      expect(reply.statusCode).toBe(403);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
      expect(JSON.parse(reply.body)).toMatchObject({
        status: 403,
        detail: expect.stringContaining("site's address"),
      });
    }
  });

  it("checks nothing when no value is configured (tests and tools)", async () => {
    const open = requireOrigin(createHandler(h.deps), undefined);
    expect(((await open(httpApiEvent("GET", "/api/health"), context)) as Result).statusCode).toBe(200);
  });
});
