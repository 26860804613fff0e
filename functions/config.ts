import { z } from "zod";

/**
 * Configuration, parsed once from the environment with zod so a bad value fails at start-up,
 * not on the first request that happens to need it.
 */
const configSchema = z.object({
  TABLE_NAME: z.string().min(3).default("groundswell"),
  /** DynamoDB endpoint override: DynamoDB Local on the embedded default, unset in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default("us-east-1"),
  /** Expected `iss` of ID tokens: the local issuer, or the Cognito user pool URL. */
  JWT_ISSUER: z.url(),
  /** Expected `aud` of ID tokens: "groundswell" locally, the Cognito app client id in AWS. */
  JWT_AUDIENCE: z.string().min(1),
  /** Where the verifier fetches signing keys in AWS; the embedded default injects its key set. */
  JWKS_URL: z.url().optional(),
  /** The ARN of the author-key secret in AWS (Secrets Manager). */
  AUTHOR_KEY_SECRET_ARN: z.string().optional(),
  /** The theme-job SQS queue in AWS; without it theme runs use the in-process queue. */
  THEME_JOB_QUEUE_URL: z.url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url().optional(),
});

export type Config = z.infer<typeof configSchema>;

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}
