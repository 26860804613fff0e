import { expect } from "vitest";
import { employees, type Harness, type Reply } from "./harness.js";

/**
 * The set-up the moderation-after-the-report attacks share (test/integration/redaction-reports
 * and hide-reports, issue 12): thoughts a moderator should have caught, kept by mistake, rated by
 * everyone and flagged, then a report computed, approved and published.
 */

export const leader = "leader@example.com";
export const facilitator = "facilitator@example.com";
export const topics = ["pricing", "hiring", "tools"];

/** The reply's body, after checking its status. */
export async function expectOk(reply: Promise<Reply>, status = 200): Promise<Reply["body"]> {
  const r = await reply;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

export async function runThemes(h: Harness, id: string): Promise<void> {
  await expectOk(h.call("POST", `/api/conversations/${id}/theme-runs`, { as: leader }), 202);
  await h.jobsDone();
}

export interface ModeratedConversation {
  readonly id: string;
  /** Each shared text's thought id. */
  readonly thoughtIds: Map<string, string>;
  /** Who rated each thought (someone who may flag it). */
  readonly raterOf: Map<string, string>;
}

/**
 * Twelve thoughts, `flagged` first, the rest tagged filler ("[topic] Thought i: …"); whatever
 * screening held is kept as it is (the mistake); every employee rates a batch of 12 with
 * `stars(text, raterIndex)`; a rater flags each of `flagged`; closing computes version 1, which
 * is approved and published.
 */
export async function seedModeratedConversation(
  h: Harness,
  flagged: readonly string[],
  stars: (text: string, rater: number) => number,
): Promise<ModeratedConversation> {
  const id = await h.openConversation("sharing");
  const thoughtIds = new Map<string, string>();
  const raterOf = new Map<string, string>();
  for (const [i, author] of employees.slice(0, 12).entries()) {
    const text =
      flagged[i] ?? `[${topics[i % 3]}] Thought ${i}: we should rethink our approach to ${topics[i % 3]}.`;
    const shared = await expectOk(
      h.call("POST", `/api/conversations/${id}/thoughts`, { as: author, body: { text }, idempotent: true }),
      201,
    );
    thoughtIds.set(text, shared.id);
  }
  await h.releaseRound(id);
  const queue = await expectOk(h.call("GET", `/api/conversations/${id}/moderation`, { as: facilitator }));
  for (const item of queue.items)
    await expectOk(
      h.call("POST", `/api/conversations/${id}/moderation/${item.thoughtId}`, {
        as: facilitator,
        body: { action: "keep" },
      }),
    );
  await expectOk(
    h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } }),
  );
  for (const [r, rater] of employees.entries()) {
    const batch = await expectOk(
      h.call("GET", `/api/conversations/${id}/rating-batch?size=12`, { as: rater }),
    );
    for (const t of batch.thoughts) {
      raterOf.set(t.id, rater);
      await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, {
        as: rater,
        body: { stars: stars(t.text, r) },
      });
    }
  }
  // Raters flag them: back in the queue, still visible, while the report is computed.
  for (const text of flagged) {
    const thoughtId = thoughtIds.get(text)!;
    await expectOk(
      h.call("POST", `/api/conversations/${id}/flags`, {
        as: raterOf.get(thoughtId)!,
        body: { thoughtId, reason: "names-someone" },
      }),
      201,
    );
  }
  await expectOk(
    h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "closed" } }),
  );
  await h.jobsDone();
  await expectOk(
    h.call("POST", `/api/conversations/${id}/report/approve`, { as: leader, body: { version: 1 } }),
  );
  await expectOk(
    h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "published" } }),
  );
  return { id, thoughtIds, raterOf };
}

/**
 * Everything a leader and a participant can read of the results, as one string per surface: the
 * report, each export, and (for the leader) each segment view that shows text.
 */
export async function readSurfaces(h: Harness, id: string): Promise<Map<string, string>> {
  const read = new Map<string, string>();
  for (const [who, as] of [
    ["leader", leader],
    ["participant", employees[3]!],
  ] as const) {
    const report = await expectOk(h.call("GET", `/api/conversations/${id}/report`, { as }));
    read.set(`${who} report`, JSON.stringify(report));
    for (const format of ["csv", "json", "md", "slides"]) {
      const file = await h.call("GET", `/api/conversations/${id}/export?format=${format}`, { as });
      expect(file.status).toBe(200);
      read.set(`${who} ${format}`, typeof file.body === "string" ? file.body : JSON.stringify(file.body));
    }
    if (who === "leader") {
      for (const segment of report.segments.filter((s: { text?: boolean }) => s.text)) {
        const view = await expectOk(
          h.call("GET", `/api/conversations/${id}/report?segment=${encodeURIComponent(segment.key)}`, { as }),
        );
        read.set(`segment ${segment.key}`, JSON.stringify(view));
      }
    }
  }
  return read;
}
