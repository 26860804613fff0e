import { get } from "node:http";
import * as z from "zod";

/**
 * Reads a secret through the AWS Parameters and Secrets Lambda Extension (a layer the stack adds,
 * infra/constructs/node-lambda.ts): a local HTTP server that calls GetSecretValue with the
 * function's role and caches the answer. It keeps @aws-sdk/client-secrets-manager out of every
 * bundle, which cost the API's cold start ~16 ms of CPU (docs/architecture.md "Lambda bundles").
 */

/** The extension's default port; the layer's PARAMETERS_SECRETS_EXTENSION_HTTP_PORT moves it. */
const DEFAULT_PORT = 2773;

/**
 * Longer than the extension's own call to Secrets Manager (SECRETS_MANAGER_TIMEOUT_MILLIS, set
 * by the stack), so its error reaches us rather than our abort; well inside the Lambda timeout.
 */
export const EXTENSION_TIMEOUT_MS = 5_000;

/** The extension's settings, read from the environment Lambda and the layer give the function. */
const extensionEnv = z.object({
  /** The extension refuses calls without it (its guard against request forgery from the function). */
  AWS_SESSION_TOKEN: z.string().min(1),
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: z.coerce.number().int().min(1).max(65_535).default(DEFAULT_PORT),
});

/** What GetSecretValue answers, as the extension passes it on; the author key is a string secret. */
const secretValue = z.object({ SecretString: z.string().min(1) });

/** The secret could not be read: the function cannot start, and says why. */
export class SecretsExtensionError extends Error {
  override readonly name = "SecretsExtensionError";
}

/**
 * The secret's string, from the extension. Fails at once with a SecretsExtensionError when the
 * extension is not there (no layer), times out, refuses the call or answers something else; the
 * caller's cold start fails with it and the next invocation tries again (aws/environment.ts).
 * No retry here: the call runs in the first invocation, after Lambda has started every extension.
 */
export async function readSecret(
  secretId: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = EXTENSION_TIMEOUT_MS,
): Promise<string> {
  const settings = extensionEnv.safeParse(env);
  if (!settings.success) {
    const lines = settings.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new SecretsExtensionError(`Cannot call the Parameters and Secrets extension:\n${lines.join("\n")}`);
  }
  const { AWS_SESSION_TOKEN: token, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port } = settings.data;
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  const where = `the Parameters and Secrets extension (localhost:${port})`;

  let response: { status: number; body: string };
  try {
    response = await getText(url, token, timeoutMs);
  } catch (error) {
    throw new SecretsExtensionError(
      `${where} did not answer for secret ${secretId}: ${error instanceof Error ? error.message : String(error)}. ` +
        "Is the AWS-Parameters-and-Secrets-Lambda-Extension layer on this function?",
      { cause: error },
    );
  }
  const { status, body } = response;
  if (status < 200 || status > 299) {
    throw new SecretsExtensionError(
      `${where} answered ${status} for secret ${secretId}: ${body.slice(0, 200)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new SecretsExtensionError(`${where} answered JSON that does not parse for secret ${secretId}`);
  }
  const parsed = secretValue.safeParse(json);
  if (!parsed.success) {
    throw new SecretsExtensionError(`Secret ${secretId} has no SecretString: it must be a non-empty string`);
  }
  return parsed.data.SecretString;
}

/**
 * One GET with node:http, which the SDK has loaded already: the first fetch() would compile
 * undici's HTTP client (its llhttp WebAssembly), ~12 ms of CPU on the cold path for one call.
 */
function getText(url: string, token: string, timeoutMs: number) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = get(
      url,
      // One call per execution environment: no socket kept for reuse.
      {
        headers: { "X-Aws-Parameters-Secrets-Token": token },
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("error", reject);
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8") }),
        );
      },
    );
    request.on("error", (error) =>
      reject(error.name === "AbortError" ? new Error(`no answer within ${timeoutMs} ms`) : error),
    );
  });
}
