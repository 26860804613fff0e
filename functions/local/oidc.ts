import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Configuration, KoaContextWithOIDC, default as Provider } from "oidc-provider";
import * as z from "zod";
import { nameFromEmail } from "../auth/first-admin.js";
import {
  emailOfLocalSubject,
  idTokenLifetimeSeconds,
  type LocalIssuer,
  localSubject,
} from "../auth/local-issuer.js";
import type { Logger } from "../lib/logger.js";
import type { DirectoryRepository } from "../repositories/directory.js";
import { errorPage, logoutPage, signedOutPage } from "./oidc-pages.js";
import { memoryAdapter } from "./oidc-store.js";

/**
 * The embedded default's identity provider: a standards-conformant OpenID provider (panva's
 * oidc-provider, certified by the OpenID Foundation) with authorization code + PKCE, refresh
 * tokens, revocation and RP-initiated logout, signing with the data folder's key. The web app
 * talks to it exactly as it talks to Cognito's hosted UI in AWS. Its login screen is the web
 * app's person picker (web/src/routes/interaction/[uid]), which posts the choice back here.
 */
export interface LocalProviderOptions {
  readonly signer: LocalIssuer;
  /** Origins the web app is reached at; each gets its callback and sign-out return address. */
  readonly appOrigins: readonly string[];
  readonly directory: DirectoryRepository;
  readonly logger: Logger;
  /** ID token lifetime; tests shorten it to watch the web app refresh. */
  readonly idTokenTtlSeconds?: number;
}

export interface LocalProvider {
  readonly issuer: string;
  /** Handles the request when it is the provider's (true), else leaves it alone (false). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export const callbackPath = "/auth/callback";
export const postLogoutPath = "/signin";
const interactionPath = /^\/interaction\/([A-Za-z0-9_-]{1,64})\/(details|login|abort)$/;

let loading: Promise<typeof Provider> | undefined;

/**
 * Loads oidc-provider, once. It warns on every Node.js before 22, which it runs on fine (README:
 * 20.19+). The local server calls it early, so the package loads while DynamoDB Local boots.
 */
export function loadProvider(): Promise<typeof Provider> {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!String(args[0]).includes("Unsupported runtime")) warn(...args);
    };
    try {
      return (await import("oidc-provider")).default;
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}

export async function createLocalProvider(options: LocalProviderOptions): Promise<LocalProvider> {
  const { signer, directory } = options;
  const ProviderClass = await loadProvider();
  const mountPath = new URL(signer.issuer).pathname.replace(/\/$/, "");
  const scopes = "openid email profile";
  const day = 24 * 60 * 60;

  const configuration: Configuration = {
    adapter: memoryAdapter(),
    clients: [
      {
        client_id: signer.audience,
        client_name: "Groundswell",
        application_type: "web",
        // A browser app keeps no secret: a public client, protected by PKCE (required for it).
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        redirect_uris: options.appOrigins.map((o) => `${o}${callbackPath}`),
        post_logout_redirect_uris: options.appOrigins.map((o) => `${o}${postLogoutPath}`),
        id_token_signed_response_alg: "ES256",
      },
    ],
    jwks: { keys: [signer.signingKey as never] },
    // Sessions live in memory, so a fresh cookie key per start loses nothing that survives anyway.
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // Like Cognito: the ID token carries the scopes' claims, which is what the API reads.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = "html";
          ctx.body = logoutPage(form, Boolean(ctx.oidc.params?.id_token_hint));
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = "html";
          ctx.body = signedOutPage();
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const email = emailOfLocalSubject(sub);
      if (!email) return undefined;
      return {
        accountId: sub,
        claims: async () => {
          const person = await directory.findByEmail(email);
          return { sub, email, email_verified: true, name: person?.name ?? nameFromEmail(email) };
        },
      };
    },
    // Groundswell is the provider's only, first-party client: no consent screen, the grant is implied.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(scopes);
      await grant.save();
      return grant;
    },
    // Like Cognito, which issues refresh tokens to public clients without `offline_access`.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    ttl: {
      AccessToken: idTokenLifetimeSeconds,
      AuthorizationCode: 60,
      IdToken: options.idTokenTtlSeconds ?? idTokenLifetimeSeconds,
      Interaction: 60 * 60,
      // Refresh tokens end with the provider session (no offline_access), rotated on every use.
      RefreshToken: day,
      Session: 12 * 60 * 60,
      Grant: 30 * day,
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = errorPage(String(out.error ?? "error"), String(out.error_description ?? ""));
    },
  };
  const provider = new ProviderClass(signer.issuer, configuration);
  provider.on("server_error", (_ctx, error: Error) =>
    options.logger.error("local identity provider error", { error: error.name }),
  );
  const callback = provider.callback();

  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, action: string) => {
    let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
    try {
      details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error("interaction mismatch");
    } catch {
      return sendJson(res, 410, {
        type: "https://groundswell.dev/problems/sign-in-expired",
        title: "This sign-in has expired",
        status: 410,
        detail: "This sign-in page is no longer valid. Go back to Groundswell and sign in again.",
      });
    }
    if (action === "details" && req.method === "GET") {
      return sendJson(res, 200, { uid, prompt: details.prompt.name });
    }
    if (req.method !== "POST") return sendJson(res, 405, { title: "Method not allowed", status: 405 });
    if (action === "abort") {
      return provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "Sign-in was cancelled." },
        { mergeWithLastSubmission: false },
      );
    }
    const form = new URLSearchParams(await readBody(req, 4096));
    const email = z.email().max(254).safeParse(form.get("email")?.trim().toLowerCase());
    if (!email.success) {
      res.writeHead(303, { location: `/interaction/${uid}?error=email` }).end();
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: localSubject(email.data), remember: true } },
      { mergeWithLastSubmission: false },
    );
  };

  return {
    issuer: signer.issuer,
    handle(req, res) {
      const url = req.url ?? "/";
      const path = url.split("?")[0]!;
      if (path === mountPath || path.startsWith(`${mountPath}/`)) {
        // Mounted like Express mounts it: the provider sees its own paths, and the original URL.
        Object.assign(req, { originalUrl: url, url: url.slice(mountPath.length) || "/" });
        callback(req, res);
        return true;
      }
      const match = interactionPath.exec(path);
      if (!match) return false;
      interaction(req, res, match[1]!, match[2]!).catch((error: Error) => {
        options.logger.error("local sign-in failed", { error: error.name });
        if (!res.headersSent) sendJson(res, 500, { title: "Sign-in failed", status: 500 });
      });
      return true;
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > limit) throw new Error("body too large");
  }
  return body;
}
