import { describe, expect, it } from "vitest";
import { idempotencyRecordKey, personKeys } from "../../functions/domain/author-key.js";

describe("author and rater keys", () => {
  it("are stable for a person in a conversation and differ across conversations and people", () => {
    const a = personKeys("secret", "conv-1", "user-1");
    expect(personKeys("secret", "conv-1", "user-1")).toEqual(a);
    expect(personKeys("secret", "conv-2", "user-1").authorKey).not.toBe(a.authorKey);
    expect(personKeys("secret", "conv-1", "user-2").authorKey).not.toBe(a.authorKey);
    expect(personKeys("other-secret", "conv-1", "user-1").authorKey).not.toBe(a.authorKey);
  });

  it("never repeat the inputs and keep authoring apart from rating", () => {
    const keys = personKeys("secret", "conv-1", "user-1");
    expect(keys.authorKey).not.toBe(keys.raterKey);
    expect(keys.authorKey).not.toContain("user-1");
    expect(keys.authorKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("cannot be confused by shifting characters between conversation and user ids", () => {
    expect(personKeys("s", "ab", "c").authorKey).not.toBe(personKeys("s", "a", "bc").authorKey);
  });

  it("keys idempotency records by person, client key and scope", () => {
    const key = idempotencyRecordKey("s", "user-1", "k", "thought:c1");
    expect(idempotencyRecordKey("s", "user-2", "k", "thought:c1")).not.toBe(key);
    expect(idempotencyRecordKey("s", "user-1", "k", "thought:c2")).not.toBe(key);
  });
});
