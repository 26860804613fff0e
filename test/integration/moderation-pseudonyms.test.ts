import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 9, attack 5: the moderation log names moderators by pseudonym; the audit log named them
 * by email, 7–13 ms apart for the same action, so a join by time unmasked every one. Played here
 * as the attacker would: two moderators act, interleaved, then the audit log and the moderation
 * log are joined by time and by every field they share.
 */
let h: Harness;
const moderators = ["facilitator@example.com", "admin@example.com"];
const dayOnly = /^\d{4}-\d{2}-\d{2}$/;

beforeAll(async () => {
  h = await createHarness();
});

interface LogEntry {
  at: string;
  action: string;
  moderatorKey: string;
}
interface AuditEntry {
  at: string;
  action: string;
  actorId: string;
  actorEmail?: string;
  details?: Record<string, unknown>;
}

async function auditLog(): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await h.call("GET", `/api/audit${cursor ? `?cursor=${cursor}` : ""}`, {
      as: "admin@example.com",
    });
    entries.push(...page.body.entries);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}

describe("moderation stays pseudonymous", () => {
  it("gives an attacker joining the audit log and the moderation log by time no one", async () => {
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      settings: { moderation: "pre" },
    });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await h.call("POST", `/api/conversations/${id}/thoughts`, {
        as: employees[i],
        body: { text: `Idea number ${i + 1} about our planning cadence.` },
        idempotent: true,
      });
      ids.push(reply.body.id);
    }
    // Held thoughts reach the queue at a release round (DESIGN §3.7).
    await h.releaseRound(id);
    // Interleaved: moderator A, B, A, B… with different actions.
    const actions = ["keep", "hide", "keep", "keep", "hide", "keep"] as const;
    for (const [i, thoughtId] of ids.entries()) {
      const reply = await h.call("POST", `/api/conversations/${id}/moderation/${thoughtId}`, {
        as: moderators[i % 2],
        body: { action: actions[i] },
      });
      expect(reply.status).toBe(200);
    }
    await h.call("POST", `/api/conversations/${id}/moderation/${ids[1]}`, {
      as: moderators[0],
      body: { action: "restore" },
    });

    const log: LogEntry[] = (
      await h.call("GET", `/api/conversations/${id}/moderation/log`, { as: moderators[0] })
    ).body.entries;
    const audit = await auditLog();
    expect(log).toHaveLength(7);

    // Nothing about moderation in either log is finer than the day.
    for (const entry of log) expect(entry.at).toMatch(dayOnly);
    const moderation = audit.filter((e) => e.action.startsWith("moderation."));
    expect(moderation.length).toBeGreaterThan(0);
    for (const entry of moderation) {
      expect(entry.at).toMatch(dayOnly);
      expect(entry.actorEmail).toBeUndefined();
    }

    // The attack: for each moderation decision, the audit entries that carry a person and sit
    // within a second of it (or on its day, when only the day is known). A single candidate
    // person unmasks the decision's pseudonym.
    const people = await h.call("GET", "/api/directory", { as: "admin@example.com" });
    const personIds = new Set(people.body.people.map((p: { id: string }) => p.id));
    const carriesPerson = (e: AuditEntry) => e.actorEmail !== undefined || personIds.has(e.actorId);
    const near = (a: string, b: string) =>
      dayOnly.test(a) || dayOnly.test(b)
        ? a.slice(0, 10) === b.slice(0, 10)
        : Math.abs(Date.parse(a) - Date.parse(b)) < 1000;
    let unmasked = 0;
    const byPseudonym = new Map<string, Set<string>>();
    for (const decision of log) {
      const candidates = new Set(
        audit
          .filter((e) => carriesPerson(e) && e.action.startsWith("moderation.") && near(e.at, decision.at))
          .map((e) => e.actorEmail ?? e.actorId),
      );
      if (candidates.size === 1) unmasked++;
      const seen = byPseudonym.get(decision.moderatorKey) ?? new Set<string>();
      for (const c of candidates) seen.add(c);
      byPseudonym.set(decision.moderatorKey, seen);
    }
    expect(unmasked).toBe(0);
    for (const candidates of byPseudonym.values()) expect(candidates.size).toBe(0);

    // What the audit log does say: the moderation log's own pseudonyms, counted per day.
    const pseudonyms = new Set(log.map((e) => e.moderatorKey));
    expect(pseudonyms.size).toBe(2);
    for (const entry of moderation) {
      expect(pseudonyms.has(entry.actorId)).toBe(true);
      expect(personIds.has(entry.actorId)).toBe(false);
    }
    const total = moderation
      .filter((e) => e.details && pseudonyms.has(e.actorId))
      .reduce((sum, e) => sum + Number(e.details?.decisions ?? 0), 0);
    expect(total).toBe(7);
  });
});
