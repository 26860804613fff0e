/**
 * The one cursor codec. A cursor is opaque to clients: the LastEvaluatedKey of a page as
 * base64url JSON, and an HMAC binding it to the route that issued it and the caller it was issued
 * to. A cursor that was altered, forged, or carried to another route or person is a 400 problem;
 * the repository then checks that the key lies in the partition it queries (db/query.ts), so even
 * a correctly signed key can never reach DynamoDB as a foreign ExclusiveStartKey.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { ValidationError } from "../errors.js";
import type { StoredKey } from "./query.js";

/** Who a cursor belongs to: the route ("audit.list") and the caller's user id. */
export interface CursorScope {
  readonly route: string;
  readonly caller: string;
}

export interface CursorCodec {
  encode(scope: CursorScope, lastKey: StoredKey | undefined): string | undefined;
  /** The start key of the next page; a ValidationError (400) for anything this server did not issue. */
  decode(scope: CursorScope, cursor: string | undefined): StoredKey | undefined;
}

const invalid = () =>
  new ValidationError("The cursor is not valid.", [
    { path: "cursor", message: "not a cursor from this list; start again from the first page" },
  ]);

const isStoredKey = (value: unknown): value is StoredKey =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length <= 4 &&
  Object.values(value).every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)));

/** `secret` is the server's HMAC secret; a label derives a key used for cursors only. */
export function createCursorCodec(secret: string): CursorCodec {
  const key = createHmac("sha256", secret).update("groundswell cursor v1").digest();
  const sign = (scope: CursorScope, payload: string) =>
    createHmac("sha256", key).update(`${scope.route}\n${scope.caller}\n${payload}`).digest().subarray(0, 16);
  return {
    encode(scope, lastKey) {
      if (!lastKey) return undefined;
      const payload = Buffer.from(JSON.stringify(lastKey)).toString("base64url");
      return `${payload}.${sign(scope, payload).toString("base64url")}`;
    },
    decode(scope, cursor) {
      if (cursor === undefined) return undefined;
      const [payload, signature, ...rest] = cursor.split(".");
      if (!payload || !signature || rest.length > 0) throw invalid();
      const given = Buffer.from(signature, "base64url");
      const expected = sign(scope, payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      let key: unknown;
      try {
        key = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      } catch {
        throw invalid();
      }
      if (!isStoredKey(key)) throw invalid();
      return key;
    },
  };
}
