import { describe, expect, it } from "vitest";
import { retryAfterMs, retryingFetch, serverBusyType } from "../../web/src/lib/retry-fetch.js";

function scripted(statuses: { status: number; retryAfter?: string; type?: string }[]) {
  const seen: { method: string; body: string | null; key: string | null }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({
      method: request.method,
      body: request.body ? await request.text() : null,
      key: request.headers.get("idempotency-key"),
    });
    const next = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
    return new Response(JSON.stringify({ status: next.status, ...(next.type && { type: next.type }) }), {
      status: next.status,
      headers: {
        "content-type": "application/problem+json",
        ...(next.retryAfter && { "retry-after": next.retryAfter }),
      },
    });
  }) as typeof fetch;
  return { fetcher, seen };
}

describe("the web client's retry of busy answers", () => {
  it("waits at least Retry-After, retries the same request with the same Idempotency-Key, and returns the success", async () => {
    const { fetcher, seen } = scripted([
      { status: 503, retryAfter: "2" },
      { status: 503, retryAfter: "1" },
      { status: 201 },
    ]);
    const waits: number[] = [];
    const retrying = retryingFetch(fetcher, { sleep: async (ms) => void waits.push(ms), random: () => 0 });
    const response = await retrying("http://x/api/conversations/c/thoughts", {
      method: "POST",
      headers: { "idempotency-key": "k-1", "content-type": "application/json" },
      body: JSON.stringify({ text: "hello" }),
    });
    expect(response.status).toBe(201);
    expect(seen).toEqual([
      { method: "POST", body: '{"text":"hello"}', key: "k-1" },
      { method: "POST", body: '{"text":"hello"}', key: "k-1" },
      { method: "POST", body: '{"text":"hello"}', key: "k-1" },
    ]);
    // Retry-After 2 s beats the 500 ms back-off; then the 1 s back-off equals Retry-After 1 s.
    expect(waits).toEqual([2000, 1000]);
  });

  it("adds jitter on top, caps each wait, and gives up after the last retry with the busy answer", async () => {
    const { fetcher, seen } = scripted([{ status: 503, retryAfter: "120" }]);
    const waits: number[] = [];
    const retrying = retryingFetch(fetcher, {
      retries: 2,
      maxDelayMs: 5_000,
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
    const response = await retrying("http://x/api/conversations");
    expect(response.status).toBe(503);
    expect(seen).toHaveLength(3);
    expect(waits).toEqual([5_000, 5_000]);
  });

  it("backs off exponentially without Retry-After, and treats 429 the same", async () => {
    const { fetcher } = scripted([{ status: 429 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    const waits: number[] = [];
    const retrying = retryingFetch(fetcher, { sleep: async (ms) => void waits.push(ms), random: () => 0 });
    expect((await retrying("http://x/api/me")).status).toBe(200);
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it("does not retry other errors, and re-sends a Request object from a fresh copy", async () => {
    const { fetcher, seen } = scripted([{ status: 500 }]);
    const retrying = retryingFetch(fetcher, { sleep: async () => undefined });
    expect((await retrying("http://x/api/me")).status).toBe(500);
    expect(seen).toHaveLength(1);

    const busyThenOk = scripted([{ status: 503 }, { status: 200 }]);
    const again = retryingFetch(busyThenOk.fetcher, { sleep: async () => undefined });
    const request = new Request("http://x/api/conversations/c/ratings/t", {
      method: "PUT",
      body: '{"stars":4}',
    });
    expect((await again(request)).status).toBe(200);
    expect(busyThenOk.seen.map((s) => s.body)).toEqual(['{"stars":4}', '{"stars":4}']);
  });

  it("sends a request that is not safe to repeat again only when the server refused it before running it", async () => {
    const post = { method: "POST", body: '{"email":"a@example.com"}' };
    const otherBusy = scripted([{ status: 503 }, { status: 200 }]);
    const plain = retryingFetch(otherBusy.fetcher, { sleep: async () => undefined });
    // A 503 from DynamoDB on a POST without an Idempotency-Key: it may have done part of its work.
    expect((await plain("http://x/api/auth/dev/login", post)).status).toBe(503);
    expect(otherBusy.seen).toHaveLength(1);

    const refused = scripted([{ status: 503, type: serverBusyType }, { status: 429 }, { status: 200 }]);
    const again = retryingFetch(refused.fetcher, { sleep: async () => undefined });
    expect((await again("http://x/api/auth/dev/login", post)).status).toBe(200);
    expect(refused.seen).toHaveLength(3);
  });

  it("says when it is waiting to retry, and when the wait is over, even if the caller aborts", async () => {
    const events: string[] = [];
    const onWait = {
      start: (ms: number) => void events.push(`start ${ms}`),
      end: () => void events.push("end"),
    };
    const { fetcher } = scripted([{ status: 503, retryAfter: "1" }, { status: 200 }]);
    const retrying = retryingFetch(fetcher, { sleep: async () => undefined, random: () => 0, onWait });
    expect((await retrying("http://x/api/me")).status).toBe(200);
    expect(events).toEqual(["start 1000", "end"]);

    events.length = 0;
    const busy = scripted([{ status: 503, retryAfter: "1" }]);
    const controller = new AbortController();
    const pending = retryingFetch(busy.fetcher, { onWait })("http://x/api/me", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("left the page")), 20);
    await expect(pending).rejects.toThrow("left the page");
    expect(events).toHaveLength(2);
    expect(events[1]).toBe("end");
  });

  it("stops waiting when the caller aborts", async () => {
    const { fetcher, seen } = scripted([{ status: 503, retryAfter: "1" }]);
    const controller = new AbortController();
    const retrying = retryingFetch(fetcher);
    const pending = retrying("http://x/api/me", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("left the page")), 20);
    await expect(pending).rejects.toThrow("left the page");
    expect(seen).toHaveLength(1);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs("Tue, 01 Dec 2026 10:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
