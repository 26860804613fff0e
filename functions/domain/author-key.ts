import { createHmac } from "node:crypto";

/**
 * DESIGN §3.1: a thought stores only HMAC(secret, conversationId + userId), so the server can
 * answer "is this mine?" without any record naming the author. The rater key uses a different
 * label so ratings and authorship cannot be joined on a shared pseudonym. Participation (who
 * took part, how much) is kept under a third pseudonym, so no record in a conversation names a
 * person (docs/anonymity.md, "Joins in the table").
 */
export interface PersonKeys {
  readonly authorKey: string;
  readonly raterKey: string;
  readonly participantKey: string;
}

function hmac(secret: string, label: string, ...parts: string[]): string {
  return createHmac("sha256", secret)
    .update(label)
    .update("\u0000")
    .update(parts.join("\u0000"))
    .digest("base64url");
}

export function personKeys(secret: string, conversationId: string, userId: string): PersonKeys {
  return {
    authorKey: hmac(secret, "author", conversationId, userId),
    raterKey: hmac(secret, "rater", conversationId, userId),
    participantKey: hmac(secret, "participant", conversationId, userId),
  };
}

/** Idempotency records are keyed by a hash of (person, client key), never by the person. */
export function idempotencyRecordKey(
  secret: string,
  userId: string,
  clientKey: string,
  scope: string,
): string {
  return hmac(secret, "idempotency", scope, userId, clientKey);
}

/** A moderator's pseudonym in one conversation: the log shows decisions were one person's, not whose. */
export function moderatorKey(secret: string, conversationId: string, userId: string): string {
  return hmac(secret, "moderator", conversationId, userId);
}

/** A flagger's pseudonym: one flag per person per thought, without naming the person. */
export function flaggerKey(secret: string, conversationId: string, userId: string): string {
  return hmac(secret, "flagger", conversationId, userId);
}
