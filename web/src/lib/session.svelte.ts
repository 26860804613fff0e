import type { Person } from "$domain/person";
import { type Ability, can as abilities, type Role } from "$domain/roles";
import { loadConfig } from "./config";
import { OidcClient, type PendingSignIn, SignInError, type Tokens } from "./oidc";

export type { Ability };

export const roleLabels: Record<Role, string> = {
  employee: "Employee",
  facilitator: "Facilitator",
  leader: "Leader",
  admin: "Admin",
};

/** Why the directory does not admit a signed-in person (the API's `not-in-directory` problem). */
export interface NotAdmitted {
  readonly reason: "unknown" | "inactive" | "email-not-verified";
  readonly email: string | undefined;
  readonly detail: string;
}

/**
 * sessionStorage holds only what a redirect must survive, never a token: the PKCE verifier, state
 * and nonce of a sign-in in flight (seconds, used once), and two flags.
 */
const keys = {
  pending: "groundswell.signin.pending",
  signedOut: "groundswell.signin.signed-out",
  silentFailedAt: "groundswell.signin.silent-failed-at",
};
/** After a silent re-authorisation found no provider session, do not try again for this long. */
const silentPause = 60_000;

const storage = {
  get(key: string): string | null {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string) {
    try {
      sessionStorage.setItem(key, value);
    } catch {
      // Storage refused (private mode): a reload will ask to sign in again.
    }
  },
  remove(key: string) {
    try {
      sessionStorage.removeItem(key);
    } catch {
      // Nothing stored.
    }
  },
};

/** Resolves never: the browser is leaving for the provider, nothing should render meanwhile. */
const leaving = () => new Promise<never>(() => {});

/**
 * The signed-in person and their tokens. Tokens live in this object's memory only — never in
 * localStorage or sessionStorage — so a script injected into the page finds none to carry away.
 * A reload re-authorises silently (prompt=none) against the provider's own session cookie;
 * docs/architecture.md ("Sign-in") weighs this against the alternatives.
 */
class Session {
  person = $state<Person | null>(null);
  notAdmitted = $state<NotAdmitted | null>(null);
  /** The email the provider signed in, before the directory has been asked. */
  email = $state<string | null>(null);

  readonly signedIn = $derived(this.person !== null);
  readonly role = $derived(this.person?.role ?? null);

  #tokens: Tokens | null = null;
  #refreshing: Promise<Tokens | null> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #client: Promise<OidcClient> | undefined;
  #channel: BroadcastChannel | undefined;

  constructor() {
    if (typeof BroadcastChannel === "function") {
      // Signing out in one tab signs out the others (their tokens are in their own memory).
      this.#channel = new BroadcastChannel("groundswell.session");
      this.#channel.onmessage = (event) => {
        if (event.data === "signed-out" && this.#tokens) {
          this.#forget();
          location.assign("/signin");
        }
      };
    }
  }

  can(ability: Ability): boolean {
    const role = this.role;
    return role !== null && (abilities[ability] as readonly Role[]).includes(role);
  }

  get hasTokens(): boolean {
    return this.#tokens !== null;
  }

  client(): Promise<OidcClient> {
    this.#client ??= loadConfig()
      .then((config) => new OidcClient(config, location.origin))
      .catch((error: unknown) => {
        this.#client = undefined;
        throw error;
      });
    return this.#client;
  }

  /** Starts an interactive sign-in: the browser goes to the provider's sign-in screen. */
  async signIn(next: string): Promise<never> {
    storage.remove(keys.signedOut);
    storage.remove(keys.silentFailedAt);
    return this.#redirect(next, false);
  }

  /**
   * After a reload or in a new tab: re-authorises against the provider session without a screen.
   * Resolves false (show the sign-in page) after an explicit sign-out, or when a silent attempt
   * just found no provider session.
   */
  async restore(next: string): Promise<false> {
    if (this.#tokens) return false;
    if (storage.get(keys.signedOut)) return false;
    const failedAt = Number(storage.get(keys.silentFailedAt) ?? 0);
    if (Date.now() - failedAt < silentPause) return false;
    return this.#redirect(next, true);
  }

  async #redirect(next: string, silent: boolean): Promise<never> {
    const { url, pending } = await (await this.client()).authorizationUrl({ next, silent });
    storage.set(keys.pending, JSON.stringify(pending));
    location.assign(url);
    return leaving();
  }

  /**
   * The callback: finishes the code + PKCE exchange and keeps the tokens in memory. Returns where
   * to go next; `signedIn` is false when a silent attempt found no provider session.
   */
  async completeSignIn(callback: URL): Promise<{ next: string; signedIn: boolean }> {
    const stored = storage.get(keys.pending);
    storage.remove(keys.pending);
    let pending: PendingSignIn;
    try {
      pending = JSON.parse(stored ?? "") as PendingSignIn;
    } catch {
      throw new SignInError(
        "This sign-in link was already used or has expired. Please sign in again.",
        undefined,
      );
    }
    try {
      this.#accept(await (await this.client()).completeSignIn(callback, pending));
      storage.remove(keys.silentFailedAt);
      return { next: pending.next, signedIn: true };
    } catch (error) {
      if (pending.silent && error instanceof SignInError && error.needsInteraction) {
        storage.set(keys.silentFailedAt, String(Date.now()));
        return { next: pending.next, signedIn: false };
      }
      throw error;
    }
  }

  /** The bearer token for an API request: refreshed first when it is about to expire. */
  async bearer(): Promise<string | null> {
    const tokens = this.#tokens;
    if (!tokens) return null;
    if (Date.now() < tokens.expiresAt - margin(tokens)) return tokens.idToken;
    const fresh = await this.refresh();
    return fresh?.idToken ?? (Date.now() < tokens.expiresAt ? tokens.idToken : null);
  }

  /** The refresh token grant, once at a time; null when there is nothing (left) to refresh with. */
  refresh(): Promise<Tokens | null> {
    const refreshToken = this.#tokens?.refreshToken;
    if (!refreshToken) return Promise.resolve(null);
    this.#refreshing ??= (async () => {
      try {
        const client = await this.client();
        const tokens = await client.refresh(refreshToken);
        if (this.#tokens?.refreshToken === refreshToken) this.#accept(tokens);
        return tokens;
      } catch {
        // Revoked, expired or unreachable: the current token serves until it expires, then the
        // API's 401 sends the person to the sign-in page.
        return null;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  /** Keeps the directory's view of the person (role or attributes may have changed). */
  update(person: Person) {
    if (!this.#tokens) return;
    this.person = person;
    this.notAdmitted = null;
  }

  /** The API answered `not-in-directory`: signed in at the provider, not admitted by the directory. */
  refuse(problem: NotAdmitted) {
    this.person = null;
    this.notAdmitted = problem;
  }

  /** The API answered 401: the token is gone or no longer accepted. */
  expired() {
    this.#forget();
  }

  /** Ends the session here and at the provider, then comes back to the sign-in page. */
  async signOut(): Promise<never> {
    const tokens = this.#tokens;
    this.#forget();
    storage.set(keys.signedOut, "1");
    this.#channel?.postMessage("signed-out");
    let client: OidcClient | undefined;
    try {
      client = await this.client();
      if (tokens?.refreshToken) {
        await Promise.race([client.revoke(tokens.refreshToken), new Promise((r) => setTimeout(r, 2000))]);
      }
    } catch {
      // Revocation is a courtesy; ending the provider session below is what signs out.
    }
    location.assign(client ? await client.logoutUrl(tokens?.idToken) : "/signin");
    return leaving();
  }

  /** True once after an explicit sign-out (the sign-in page says so). */
  get justSignedOut(): boolean {
    return storage.get(keys.signedOut) !== null;
  }

  #accept(tokens: Tokens) {
    this.#tokens = tokens;
    this.email = tokens.email ?? null;
    clearTimeout(this.#timer);
    // Refresh a little before expiry; `bearer` refreshes too if the timer was throttled.
    this.#timer = setTimeout(
      () => void this.refresh(),
      Math.max(1000, tokens.expiresAt - margin(tokens) - Date.now()),
    );
  }

  #forget() {
    this.#tokens = null;
    this.person = null;
    this.notAdmitted = null;
    this.email = null;
    clearTimeout(this.#timer);
  }
}

/** Refresh when a minute (or a quarter of a short lifetime) is left. */
const margin = (tokens: Tokens) => Math.min(60_000, tokens.lifetime / 4);

export const session = new Session();
