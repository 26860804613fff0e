import * as z from "zod";

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
  /**
   * Cognito identity providers (SSO) whose email claim is trusted although Cognito marks it
   * unverified, comma-separated provider names (auth/verify.ts).
   */
  TRUSTED_IDENTITY_PROVIDERS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  /** The first admin: added to the directory as an admin when nobody there has this email. */
  ADMIN_EMAIL: z.email().optional(),
  /** The Cognito user pool the directory import keeps in step (auth/cognito-directory.ts). */
  USER_POOL_ID: z
    .string()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/, "not a Cognito user pool id")
    .optional(),
  /** Invite new people with a Cognito account and password ("true"), or admit them through SSO. */
  INVITE_USERS: z.enum(["true", "false"]).default("true"),
  /** The ARN of the author-key secret in AWS (Secrets Manager). */
  AUTHOR_KEY_SECRET_ARN: z.string().optional(),
  /** The theme-job SQS queue in AWS (the API and the scheduler enqueue there; locally runs are in-process). */
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
