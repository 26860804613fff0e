import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { createRemoteJWKSet } from "jose";
import { createApp } from "../app.js";
import { parseConfig } from "../config.js";
import { createDocumentClient } from "../db/client.js";
import { jsonLogger } from "../lib/logger.js";
import type { AppDeps } from "../services.js";

/** The same Hono app as the embedded default, behind API Gateway's HTTP API (payload v2). */
export function createHandler(deps: AppDeps) {
  return handle(createApp(deps) as unknown as Hono);
}

/** Built on the first invocation and reused while the execution environment lives. */
let cached: Promise<ReturnType<typeof createHandler>> | undefined;

async function fromEnvironment() {
  const config = parseConfig();
  if (!config.JWKS_URL) throw new Error("JWKS_URL is required in AWS");
  if (!config.AUTHOR_KEY_SECRET_ARN) throw new Error("AUTHOR_KEY_SECRET_ARN is required in AWS");
  const secrets = new SecretsManagerClient({ region: config.AWS_REGION });
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: config.AUTHOR_KEY_SECRET_ARN }));
  if (!secret.SecretString) throw new Error("The author-key secret is empty");
  return createHandler({
    db: {
      doc: createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT }),
      tableName: config.TABLE_NAME,
    },
    verifier: {
      keys: createRemoteJWKSet(new URL(config.JWKS_URL)),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    },
    authorKeySecret: secret.SecretString,
    logger: jsonLogger(),
  });
}

export const handler: ReturnType<typeof createHandler> = async (event, context) => {
  cached ??= fromEnvironment().catch((error) => {
    cached = undefined; // a failed cold start (e.g. Secrets Manager throttled) is retried next time
    throw error;
  });
  return (await cached)(event, context);
};
