import * as oauth from "oauth4webapi";
import type { WebConfig } from "./config";

/**
 * OpenID Connect authorization code + PKCE for a browser app, with oauth4webapi: the one sign-in
 * path, against Cognito's hosted UI in AWS and the local OpenID provider on the embedded default.
 * Pure protocol: no Svelte, no storage of tokens (session.svelte.ts keeps them, in memory only).
 */

export interface Tokens {
  /** Sent to the API as the bearer token (its audience is this client). */
  readonly idToken: string;
  readonly refreshToken?: string;
  /** When the ID token expires, on this browser's clock (ms). */
  readonly expiresAt: number;
  /** The ID token's lifetime (ms), to plan the refresh. */
  readonly lifetime: number;
  readonly email?: string;
  readonly name?: string;
}

/** What must survive the round trip to the provider (in sessionStorage, for seconds, used once). */
export interface PendingSignIn {
  readonly state: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  /** Where to go after signing in (a same-site path). */
  readonly next: string;
  /** prompt=none: re-authorisation against the provider session, without any screen. */
  readonly silent: boolean;
  readonly redirectUri: string;
}

/** Why a sign-in did not complete, in words a person can act on. */
export class SignInError extends Error {
  override name = "SignInError";
  constructor(
    message: string,
    /** The provider's error code (login_required, access_denied, invalid_grant…), when it sent one. */
    readonly code: string | undefined,
  ) {
    super(message);
  }

  /** The provider has no session for a silent sign-in: show the sign-in page, no error. */
  get needsInteraction(): boolean {
    return (
      this.code === "login_required" ||
      this.code === "interaction_required" ||
      this.code === "consent_required" ||
      this.code === "account_selection_required"
    );
  }
}

const messages: Record<string, string> = {
  access_denied: "Sign-in was cancelled.",
  invalid_grant: "This sign-in has expired or was already used. Please sign in again.",
  temporarily_unavailable: "The sign-in service is busy. Please try again in a moment.",
  server_error: "The sign-in service had a problem. Please try again.",
};

function asSignInError(error: unknown): SignInError {
  if (error instanceof SignInError) return error;
  if (error instanceof oauth.AuthorizationResponseError || error instanceof oauth.ResponseBodyError) {
    return new SignInError(
      messages[error.error] ?? error.error_description ?? "Sign-in did not complete. Please try again.",
      error.error,
    );
  }
  if (error instanceof TypeError) {
    return new SignInError(
      "The sign-in service could not be reached. Check your connection, then try again.",
      undefined,
    );
  }
  return new SignInError("Sign-in did not complete. Please try again.", undefined);
}

/** Only same-site paths, so sign-in cannot be used to send people elsewhere. */
export function safeNext(value: string | null | undefined): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (/^\/(signin|auth\/|interaction\/|no-access)/.test(value)) return "/";
  return value;
}

export class OidcClient {
  readonly #config: WebConfig;
  readonly #origin: string;
  readonly #client: oauth.Client;
  readonly #options: { [oauth.allowInsecureRequests]?: boolean };
  #server: Promise<oauth.AuthorizationServer> | undefined;

  constructor(config: WebConfig, origin: string) {
    this.#config = config;
    this.#origin = origin;
    this.#client = { client_id: config.oidc.clientId };
    // Plain HTTP only where the provider itself is (the embedded default on this machine).
    this.#options =
      new URL(config.oidc.issuer).protocol === "http:" ? { [oauth.allowInsecureRequests]: true } : {};
  }

  get redirectUri(): string {
    return `${this.#origin}${this.#config.oidc.redirectPath}`;
  }

  /** The provider's metadata (OpenID Connect discovery), fetched once. */
  server(): Promise<oauth.AuthorizationServer> {
    this.#server ??= (async () => {
      const issuer = new URL(this.#config.oidc.issuer);
      const response = await oauth.discoveryRequest(issuer, { algorithm: "oidc", ...this.#options });
      return oauth.processDiscoveryResponse(issuer, response);
    })().catch((error: unknown) => {
      this.#server = undefined;
      throw asSignInError(error);
    });
    return this.#server;
  }

  /** Where to send the browser to sign in, and what to keep until it comes back. */
  async authorizationUrl(options: {
    next: string;
    silent: boolean;
  }): Promise<{ url: string; pending: PendingSignIn }> {
    const as = await this.server();
    if (!as.authorization_endpoint)
      throw new SignInError("The sign-in service has no authorization endpoint.", undefined);
    const pending: PendingSignIn = {
      state: oauth.generateRandomState(),
      codeVerifier: oauth.generateRandomCodeVerifier(),
      nonce: oauth.generateRandomNonce(),
      next: safeNext(options.next),
      silent: options.silent,
      redirectUri: this.redirectUri,
    };
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set("client_id", this.#client.client_id);
    url.searchParams.set("redirect_uri", pending.redirectUri);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("scope", this.#config.oidc.scopes);
    url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(pending.codeVerifier));
    url.searchParams.set("code_challenge_method", "S256");
    url.searchParams.set("state", pending.state);
    url.searchParams.set("nonce", pending.nonce);
    if (options.silent) url.searchParams.set("prompt", "none");
    return { url: url.href, pending };
  }

  /** The callback: checks state, exchanges the code (with the PKCE verifier) and checks the ID token. */
  async completeSignIn(callback: URL, pending: PendingSignIn): Promise<Tokens> {
    try {
      const as = await this.server();
      const params = oauth.validateAuthResponse(as, this.#client, callback, pending.state);
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        this.#client,
        oauth.None(),
        params,
        pending.redirectUri,
        pending.codeVerifier,
        this.#options,
      );
      const result = await oauth.processAuthorizationCodeResponse(as, this.#client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      });
      return tokensFrom(result);
    } catch (error) {
      throw asSignInError(error);
    }
  }

  /** The refresh token grant: a new ID token before the old one expires. */
  async refresh(refreshToken: string): Promise<Tokens> {
    try {
      const as = await this.server();
      const response = await oauth.refreshTokenGrantRequest(
        as,
        this.#client,
        oauth.None(),
        refreshToken,
        this.#options,
      );
      const result = await oauth.processRefreshTokenResponse(as, this.#client, response);
      // Cognito does not rotate refresh tokens (unless configured to); the local provider does.
      return tokensFrom(result, refreshToken);
    } catch (error) {
      throw asSignInError(error);
    }
  }

  /** Revokes the refresh token (best effort: sign-out goes on regardless). */
  async revoke(refreshToken: string): Promise<void> {
    const as = await this.server();
    const endpoint = this.#config.oidc.revocationEndpoint ?? as.revocation_endpoint;
    if (!endpoint) return;
    const response = await oauth.revocationRequest(
      { ...as, revocation_endpoint: endpoint },
      this.#client,
      oauth.None(),
      refreshToken,
      { ...this.#options, additionalParameters: { token_type_hint: "refresh_token" } },
    );
    await oauth.processRevocationResponse(response);
  }

  /** Where to send the browser to end the provider session; back here afterwards. */
  async logoutUrl(idToken: string | undefined): Promise<string> {
    const back = `${this.#origin}${this.#config.oidc.postLogoutPath}`;
    const cognito = this.#config.oidc.logoutEndpoint;
    if (cognito) {
      const url = new URL(cognito);
      url.searchParams.set("client_id", this.#client.client_id);
      url.searchParams.set("logout_uri", back);
      return url.href;
    }
    const as = await this.server().catch(() => undefined);
    if (!as?.end_session_endpoint) return back;
    const url = new URL(as.end_session_endpoint);
    url.searchParams.set("client_id", this.#client.client_id);
    url.searchParams.set("post_logout_redirect_uri", back);
    if (idToken) url.searchParams.set("id_token_hint", idToken);
    return url.href;
  }
}

function tokensFrom(result: oauth.TokenEndpointResponse, previousRefreshToken?: string): Tokens {
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!result.id_token || !claims) throw new SignInError("The sign-in service sent no ID token.", undefined);
  // The lifetime as the provider set it, counted from now: a browser clock that is off does not matter.
  const lifetime = Math.max(0, (claims.exp - claims.iat) * 1000);
  return {
    idToken: result.id_token,
    refreshToken: result.refresh_token ?? previousRefreshToken,
    expiresAt: Date.now() + lifetime,
    lifetime,
    email: typeof claims.email === "string" ? claims.email : undefined,
    name: typeof claims.name === "string" ? claims.name : undefined,
  };
}
