import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import { goto } from "$app/navigation";
import type { AppType } from "../../../functions/app";
import { retryingFetch } from "./retry-fetch";
import { serverBusy } from "./server-busy.svelte";
import { session } from "./session.svelte";

/**
 * The typed API client: `api.conversations[":id"].$get({ param: { id } })`. Every request carries
 * the signed-in person's ID token, refreshed first when it is about to expire. Use it through
 * `call`, which turns problems into `ApiProblem`s. A busy server's 503 (or 429) is retried after
 * its Retry-After, up to three times (retry-fetch.ts), with "busy, retrying" shown meanwhile.
 */
export const api = hc<AppType>("/", {
  fetch: retryingFetch((input, init) => fetch(input, init), { onWait: serverBusy }),
  headers: async (): Promise<Record<string, string>> => {
    const token = await session.bearer();
    return token ? { authorization: `Bearer ${token}` } : {};
  },
}).api;

/** The API's answer for someone signed in at the provider whom the directory does not admit. */
export const notInDirectoryType = "https://groundswell.dev/problems/not-in-directory";

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** An RFC 9457 problem answer (or a network failure, status 0), ready to show in plain language. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
    /** The problem type URI (`about:blank` when the answer had none). */
    readonly type = "about:blank",
    /** Extension members of the problem (e.g. `reason`, `email` of not-in-directory). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = "ApiProblem";
  }

  /** True when the request may never have reached the server: retrying the same submission is safe. */
  get network(): boolean {
    return this.status === 0;
  }

  /** Worth a retry button: nothing was wrong with the request itself. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 503 || this.status >= 500;
  }

  /** The first field error whose path is `path` or starts with `path.`. */
  field(path: string): string | undefined {
    return this.errors.find((e) => e.path === path || e.path.startsWith(`${path}.`))?.message;
  }

  /** Any error thrown near the API (a bug, a parse failure), as an ApiProblem. */
  static from(error: unknown): ApiProblem {
    if (error instanceof ApiProblem) return error;
    return new ApiProblem(
      0,
      "Something went wrong",
      "Something unexpected happened in this page. Please try again.",
    );
  }
}

const plainTitles: Record<number, string> = {
  0: "No connection",
  400: "Please check what you entered",
  401: "Please sign in again",
  403: "Not allowed",
  404: "Not found",
  409: "Not possible right now",
  413: "Too large",
  415: "Wrong kind of file",
  429: "Too many requests",
  503: "Busy for a moment",
};

async function problemOf(response: Response | ClientResponse<unknown>): Promise<ApiProblem> {
  const status = response.status;
  let body: { type?: unknown; title?: unknown; detail?: unknown; errors?: unknown } & Record<
    string,
    unknown
  > = {};
  try {
    if (response.headers.get("content-type")?.includes("json")) body = (await response.json()) as typeof body;
  } catch {
    // An unreadable body still has a status.
  }
  const errors = Array.isArray(body.errors)
    ? body.errors.filter(
        (e): e is FieldError => typeof e?.path === "string" && typeof e?.message === "string",
      )
    : [];
  const detail =
    typeof body.detail === "string" && body.detail
      ? body.detail
      : status >= 500
        ? "Something went wrong on our side. Nothing you sent was lost; please try again."
        : "The request could not be completed.";
  const title = plainTitles[status] ?? (typeof body.title === "string" ? body.title : "Something went wrong");
  return new ApiProblem(
    status,
    title,
    detail,
    errors,
    typeof body.type === "string" ? body.type : undefined,
    body,
  );
}

type Success<R> =
  R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatusCode ? T : never) : never;

/**
 * Awaits one typed request and returns its success body. Non-2xx answers throw an `ApiProblem`;
 * a 401 anywhere signs out and goes to the sign-in page; a `not-in-directory` 403 (unknown or
 * deactivated in the directory) goes to the page that explains it.
 */
export async function call<R extends ClientResponse<unknown, number, "json" | "text">>(
  request: Promise<R>,
): Promise<Success<R>> {
  let response: R;
  try {
    response = await request;
  } catch {
    throw new ApiProblem(
      0,
      plainTitles[0]!,
      "Groundswell could not be reached. Check your connection, then try again.",
    );
  }
  if (response.ok) {
    if (response.status === 204) return undefined as Success<R>;
    return (await response.json()) as Success<R>;
  }
  const problem = await problemOf(response);
  if (problem.status === 401) signedOut();
  if (problem.status === 403 && problem.type === notInDirectoryType) notAdmitted(problem);
  throw problem;
}

function signedOut() {
  const here = location.pathname + location.search;
  session.expired();
  if (location.pathname !== "/signin") void goto(`/signin?next=${encodeURIComponent(here)}&expired=1`);
}

function notAdmitted(problem: ApiProblem) {
  const reason = problem.extra.reason;
  session.refuse({
    reason: reason === "inactive" || reason === "email-not-verified" ? reason : "unknown",
    email: typeof problem.extra.email === "string" ? problem.extra.email : (session.email ?? undefined),
    detail: problem.detail,
  });
  if (location.pathname !== "/no-access") void goto("/no-access", { replaceState: true });
}

function uuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // Plain-HTTP origins other than localhost have no randomUUID: build a version 4 UUID by hand.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One Idempotency-Key per user submission: the same key while the user retries the same content
 * (after a network error the first attempt may have landed), a new one once it succeeded or the
 * content changed. The key is random, never derived from the content.
 */
export class Submission {
  #key: string | null = null;
  #body = "";

  keyFor(body: unknown): string {
    const serialised = JSON.stringify(body);
    if (this.#key === null || serialised !== this.#body) {
      this.#key = uuid();
      this.#body = serialised;
    }
    return this.#key;
  }

  /** Call after success: the next submission is a new one. */
  done() {
    this.#key = null;
    this.#body = "";
  }
}
