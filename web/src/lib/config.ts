import * as z from "zod/mini";

/**
 * The web app's runtime configuration, `/config.json` (shape in CONTRACTS.md): served by the Node
 * server on the embedded default, written into the site bucket by the deployment in AWS. The same
 * build runs in both places; only this file differs.
 */
const path = z.string().check(z.regex(/^\/(?!\/)/, "a path starting with /"));
const configSchema = z.object({
  oidc: z.object({
    /** The OpenID provider: the local one, or the Cognito user pool's issuer URL. */
    issuer: z.url(),
    clientId: z.string().check(z.minLength(1)),
    scopes: z._default(z.string(), "openid email profile"),
    redirectPath: z._default(path, "/auth/callback"),
    postLogoutPath: z._default(path, "/signin"),
    /**
     * Cognito's `/logout` (it has no `end_session_endpoint` in its discovery document): called
     * with `client_id` and `logout_uri`. Without it, the discovered end_session_endpoint is used.
     */
    logoutEndpoint: z.optional(z.url()),
    /** Cognito's `/oauth2/revoke`, likewise missing from its discovery document. */
    revocationEndpoint: z.optional(z.url()),
    /** Shown on the sign-in button: "Sign in with {providerName}". */
    providerName: z.optional(z.string()),
  }),
  apiBase: z._default(path, "/api"),
});
export type WebConfig = z.infer<typeof configSchema>;

let loading: Promise<WebConfig> | undefined;

/** Fetched once per page load; a failure is retried on the next call. */
export function loadConfig(): Promise<WebConfig> {
  loading ??= fetchConfig().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

async function fetchConfig(): Promise<WebConfig> {
  let response: Response;
  try {
    response = await fetch("/config.json", { cache: "no-store", headers: { accept: "application/json" } });
  } catch {
    throw new ConfigError("Groundswell could not be reached. Check your connection, then try again.");
  }
  if (!response.ok) {
    throw new ConfigError(
      `This installation has no sign-in configuration (/config.json answered ${response.status}). Ask your administrator.`,
    );
  }
  const parsed = configSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new ConfigError(
      "This installation's sign-in configuration (/config.json) is not valid. Ask your administrator.",
    );
  }
  return parsed.data;
}
