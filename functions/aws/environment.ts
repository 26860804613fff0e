import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { createRemoteJWKSet } from "jose";
import * as z from "zod";
import { CognitoDirectory } from "../auth/cognito-directory.js";
import { ensureFirstAdmin } from "../auth/first-admin.js";
import { type Config, parseConfig } from "../config.js";
import { createCoreServices } from "../core-services.js";
import { createDocumentClient } from "../db/client.js";
import { jsonLogger } from "../lib/logger.js";
import { selectContentScreen } from "../moderation/openai-moderation.js";
import { SqsMailQueue } from "../notify/mail-queue.js";
import type { CoreServices } from "../services.js";
import type { JobQueue } from "../workers/queue.js";
import { SqsQueue } from "../workers/sqs-queue.js";
import type { ThemeEngine } from "../workers/theme-run.js";
import { readSecret } from "./secrets-extension.js";

/** What a Lambda does besides using the table; each need makes its settings required. */
export interface Needs {
  /** Starts theme runs: THEME_JOB_QUEUE_URL becomes required (functions without it refuse to enqueue). */
  readonly enqueue?: boolean;
  /** Queues email for the mail worker. Without the queue, messages would go to memory and be lost. */
  readonly mail?: boolean;
  /** Wraps each AWS SDK client, e.g. the theme worker's X-Ray tracing (Tracer.captureAWSv3Client). */
  readonly instrument?: <T>(client: T) => T;
  /**
   * Runs theme jobs: only the worker passes its engine. The engine (its NLP model, the OpenAI
   * client) is imported by the worker's entry alone, so it stays out of the API's bundle.
   */
  readonly themeEngine?: (config: Config) => ThemeEngine;
}

/** The API and the scheduler enqueue theme runs; running one there is a wiring mistake, said plainly. */
const enqueueOnly: ThemeEngine = {
  computeThemes: () => {
    throw new Error("Theme runs execute in the theme-job worker; this function only enqueues them.");
  },
};

/** The worker and the mail functions start no theme runs; one that tries is a wiring mistake too. */
const noQueue: JobQueue = {
  enqueue: () =>
    Promise.reject(
      new Error("This function has no theme-job queue; the API and the scheduler start theme runs."),
    ),
};

/** Settings that are optional on the embedded default but must be set in AWS. */
const awsSchema = (needs: Needs) =>
  z.object({
    JWKS_URL: z.url(),
    AUTHOR_KEY_SECRET_ARN: z.string().min(1),
    THEME_JOB_QUEUE_URL: needs.enqueue ? z.url() : z.url().optional(),
    MAIL_QUEUE_URL: needs.mail ? z.url() : z.url().optional(),
    /** The web app's address, for links in messages. */
    APP_URL: needs.mail ? z.url() : z.url().optional(),
  });

/** Built on the first call and reused while the execution environment lives. */
let cached: Promise<unknown> | undefined;

/**
 * The services of a Lambda, built from its environment: config, the author-key secret through
 * the Parameters and Secrets extension (secrets-extension.ts), DynamoDB, the Cognito JWKS, the theme engine and the SQS queues. The API, the
 * theme-job worker and the scheduler share it; each entry passes the same `needs` and `complete`
 * on every call. `complete` adds to the core services: the scheduler and the worker pass
 * `withRepositories` (services.ts); the API keeps the core, so this module imports no
 * repository but the directory's and its cold start loads none (api/lazy-app.ts).
 */
export function servicesFromEnvironment<S>(needs: Needs, complete: (core: CoreServices) => S): Promise<S> {
  cached ??= build(needs)
    .then(complete)
    .catch((error) => {
      cached = undefined; // a failed cold start (e.g. the secret unreadable) is retried next time
      throw error;
    });
  return cached as Promise<S>;
}

async function build(needs: Needs, env: NodeJS.ProcessEnv = process.env): Promise<CoreServices> {
  const config = parseConfig(env);
  const parsed = awsSchema(needs).safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid AWS configuration:\n${lines.join("\n")}`);
  }
  const aws = parsed.data;
  const region = config.AWS_REGION;

  const instrument = needs.instrument ?? (<T>(client: T) => client);
  const authorKeySecret = await readSecret(aws.AUTHOR_KEY_SECRET_ARN, env);

  const logger = jsonLogger();
  // Made by the first request that queues something (aws/sqs.ts): most never do.
  let sqsClient: Promise<SQSClient> | undefined;
  const sqs = () =>
    (sqsClient ??= import("@aws-sdk/client-sqs").then(({ SQSClient }) =>
      instrument(new SQSClient({ region })),
    ));
  // Made by the first directory import or deactivation (auth/cognito-directory.ts): few requests.
  let cognitoClient: Promise<CognitoIdentityProviderClient> | undefined;
  const cognito = () =>
    (cognitoClient ??= import("@aws-sdk/client-cognito-identity-provider").then(
      ({ CognitoIdentityProviderClient }) => new CognitoIdentityProviderClient({ region }),
    ));
  const services = createCoreServices({
    db: {
      doc: instrument(createDocumentClient({ region, endpoint: config.DYNAMODB_ENDPOINT })),
      tableName: config.TABLE_NAME,
    },
    verifier: {
      keys: createRemoteJWKSet(new URL(aws.JWKS_URL)),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      trustedProviders: config.TRUSTED_IDENTITY_PROVIDERS,
    },
    authorKeySecret,
    logger,
    themeEngine: needs.themeEngine?.(config) ?? enqueueOnly,
    contentScreen: selectContentScreen(config, logger),
    queue: aws.THEME_JOB_QUEUE_URL ? new SqsQueue(sqs, aws.THEME_JOB_QUEUE_URL) : noQueue,
    ...(aws.MAIL_QUEUE_URL && { mailQueue: new SqsMailQueue(sqs, aws.MAIL_QUEUE_URL, logger) }),
    ...(aws.APP_URL && { appUrl: aws.APP_URL }),
    ...(config.USER_POOL_ID && {
      identityDirectory: new CognitoDirectory(cognito, {
        userPoolId: config.USER_POOL_ID,
        invite: config.INVITE_USERS === "true",
      }),
    }),
  });
  // A fresh deployment needs someone who can import the directory (auth/first-admin.ts).
  if (config.ADMIN_EMAIL) await ensureFirstAdmin(services.directory, config.ADMIN_EMAIL, logger);
  return services;
}
