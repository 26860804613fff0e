/**
 * Domain errors. Routes and repositories throw these; the one `onError` in app.ts turns them
 * into RFC 9457 problem responses. Anything else becomes a generic 500 that leaks nothing.
 */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly type: string;
  constructor(
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.type = `https://groundswell.dev/problems/${new.target.name
      .replace(/Error$/, "")
      .replace(/([a-z])([A-Z])/g, "$1-$2")
      .toLowerCase()}`;
  }
}

export class ValidationError extends DomainError {
  readonly status = 400;
  readonly title = "Your request is not valid";
  constructor(
    message: string,
    readonly errors: readonly FieldIssue[] = [],
  ) {
    super(message, { errors });
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly title = "Sign-in required";
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly title = "Not allowed";
}

/**
 * The identity provider vouched for the caller, but the directory does not admit them: unknown,
 * deactivated, or their email was not verified. The web app shows a page for it, not an error
 * (problem type `https://groundswell.dev/problems/not-in-directory`).
 */
export class NotInDirectoryError extends DomainError {
  readonly status = 403;
  readonly title = "Not in the directory";
  constructor(
    message: string,
    readonly details: { reason: "unknown" | "inactive" | "email-not-verified"; email?: string },
  ) {
    super(message, details);
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly title = "Not found";
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly title = "Conflict with the current state";
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly title = "Request too large";
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly title = "Unsupported media type";
}

/** DynamoDB throttled, faulted or was unreachable: the request changed nothing and may be retried. */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  readonly title = "Service temporarily unavailable";
}

/**
 * The embedded default is at its admission limit (functions/lib/admission.ts): the request was
 * refused before anything ran, so any request, whatever its method, may be sent again.
 */
export class ServerBusyError extends DomainError {
  readonly status = 503;
  readonly title = "Server busy";
}

/**
 * A stored item failed its declaration's schema (db/item.ts): written by an older or broken
 * version, or edited by hand. Nothing was changed. `log` says which item type and key shape,
 * never a value, so it can be logged without personal data or thought text.
 */
export class UnreadableItemError extends DomainError {
  readonly status = 409;
  readonly title = "Stored data cannot be read";
  constructor(
    message: string,
    readonly log: { readonly item: string; readonly key: string; readonly fields: string },
  ) {
    super(message);
  }
}
