import { randomUUID } from "node:crypto";
import type { LambdaContext } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { ORIGIN_VERIFY_HEADER } from "../../functions/api/origin.js";
import { readSecret, SecretsExtensionError } from "../../functions/aws/secrets-extension.js";
import { httpApiEvent } from "../helpers/aws-events.js";
import { fakeSecretsExtension } from "../helpers/fake-secrets-extension.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * The author-key secret comes through the Parameters and Secrets extension
 * (functions/aws/secrets-extension.ts): the deployed handler, invoked with API Gateway's event,
 * against DynamoDB Local and a local server speaking the extension's API.
 */
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:author-key-AbCdEf";
const TOKEN = "session-token";

let h: Harness;
let extension: Awaited<ReturnType<typeof fakeSecretsExtension>>;
const env = (port = extension.port) => ({
  AWS_SESSION_TOKEN: TOKEN,
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
});

beforeAll(async () => {
  h = await createHarness();
  extension = await fakeSecretsExtension({
    token: TOKEN,
    secrets: { [SECRET_ARN]: h.deps.authorKeySecret },
    jwks: h.deps.localIssuer!.jwks,
  });
});
afterAll(() => extension.close());

const context = {
  awsRequestId: randomUUID(),
  functionName: "api",
  getRemainingTimeInMillis: () => 10_000,
} as unknown as LambdaContext;

describe("the API Lambda's cold start", () => {
  it("fails with the extension's answer, then starts on the next invocation and serves the table", async () => {
    const lambdaEnv = {
      ...env(),
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
      TABLE_NAME: h.deps.db.tableName,
      JWT_ISSUER: h.deps.verifier.issuer,
      JWT_AUDIENCE: String(h.deps.verifier.audience),
      JWKS_URL: `http://localhost:${extension.port}/jwks.json`,
      AUTHOR_KEY_SECRET_ARN: SECRET_ARN,
      THEME_JOB_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/themes",
      MAIL_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/mail",
      APP_URL: "https://groundswell.example.com",
      ORIGIN_VERIFY: "verify",
    };
    for (const [name, value] of Object.entries(lambdaEnv)) vi.stubEnv(name, value);
    try {
      vi.resetModules(); // a fresh execution environment: nothing cached from another test
      const { handler } = await import("../../functions/api/handler.js");
      const headers = { [ORIGIN_VERIFY_HEADER]: "verify" };

      extension.setMode(500);
      await expect(handler(httpApiEvent("GET", "/api/health", { headers }), context)).rejects.toThrow(
        /Parameters and Secrets extension .* answered 500/,
      );

      extension.setMode("serve");
      const health = (await handler(httpApiEvent("GET", "/api/health", { headers }), context)) as {
        statusCode: number;
      };
      expect(health.statusCode).toBe(200);
      const token = await h.tokenFor("facilitator@example.com");
      const list = (await handler(
        httpApiEvent("GET", "/api/conversations", { token, headers }),
        context,
      )) as {
        statusCode: number;
        body: string;
      };
      expect(list.statusCode).toBe(200);
      // One call per cold start, with the session token; the warm environment asks no more.
      expect(extension.calls.slice(-2)).toEqual([
        { secretId: SECRET_ARN, token: TOKEN },
        { secretId: SECRET_ARN, token: TOKEN },
      ]);
      expect(extension.calls).toHaveLength(2);
    } finally {
      vi.unstubAllEnvs();
      extension.setMode("serve");
    }
  }, 60_000);
});

describe("readSecret", () => {
  it("answers the secret's string", async () => {
    await expect(readSecret(SECRET_ARN, env())).resolves.toBe(h.deps.authorKeySecret);
  });

  it("is refused (401) with a wrong token, and says it cannot call without one", async () => {
    await expect(readSecret(SECRET_ARN, { ...env(), AWS_SESSION_TOKEN: "stolen" })).rejects.toThrow(
      /answered 401/,
    );
    await expect(
      readSecret(SECRET_ARN, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port) }),
    ).rejects.toThrow(/AWS_SESSION_TOKEN/);
  });

  it("names the layer when nothing listens on the extension's port", async () => {
    const gone = await fakeSecretsExtension({ token: TOKEN, secrets: {} });
    await gone.close();
    const failure = readSecret(SECRET_ARN, env(gone.port));
    await expect(failure).rejects.toBeInstanceOf(SecretsExtensionError);
    await expect(failure).rejects.toThrow(/did not answer.*Parameters-and-Secrets-Lambda-Extension layer/s);
  });

  it.each([
    [400, /answered 400/],
    [500, /answered 500/],
    ["malformed", /does not parse/],
    ["binary", /no SecretString/],
  ] as const)("fails with a SecretsExtensionError when the extension answers %s", async (mode, message) => {
    extension.setMode(mode);
    try {
      const failure = readSecret(SECRET_ARN, env());
      await expect(failure).rejects.toBeInstanceOf(SecretsExtensionError);
      await expect(failure).rejects.toThrow(message);
    } finally {
      extension.setMode("serve");
    }
  });

  it("answers 400 for a secret the extension cannot find, and never echoes a malformed body", async () => {
    await expect(readSecret(`${SECRET_ARN}-other`, env())).rejects.toThrow(/answered 400.*can't find/);
    extension.setMode("malformed");
    try {
      await expect(readSecret(SECRET_ARN, env())).rejects.not.toThrow(/cut/);
    } finally {
      extension.setMode("serve");
    }
  });

  it("gives up after its timeout when the extension never answers", async () => {
    extension.setMode("hang");
    try {
      await expect(readSecret(SECRET_ARN, env(), 200)).rejects.toThrow(/did not answer/);
    } finally {
      extension.setMode("serve");
    }
  });
});
