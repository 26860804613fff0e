import { personKeys } from "../../functions/domain/author-key.js";
import type { Person } from "../../functions/domain/person.js";
import type { Services } from "../../functions/services.js";

/**
 * "Nothing is half-written" as a check of the whole conversation: every aggregate the writes keep
 * (a thought's exposure, rating count, sum and histogram; a participant's thought and rating
 * counts; the conversation's counters) equals what the items it summarises say. A write that
 * landed in part — the assignment without the thought's count, the thought without the
 * participant's — shows up here as a difference. Returns the differences (empty when consistent).
 */
export async function inconsistencies(
  s: Services,
  conversationId: string,
  people: readonly Person[],
): Promise<string[]> {
  const problems: string[] = [];
  const thoughts = [];
  for await (const page of s.thoughts.all(conversationId)) thoughts.push(...page);
  const expected = new Map(
    thoughts.map((t) => [t.id, { exposure: 0, ratings: 0, sum: 0, skips: 0, histogram: [0, 0, 0, 0, 0] }]),
  );
  const total = { ratings: 0, skips: 0, participants: 0 };
  const participation = new Map(
    (await s.participation.all(conversationId)).map((p) => [p.participantKey, p]),
  );
  total.participants = participation.size;
  for (const person of people) {
    const { raterKey, authorKey, participantKey } = personKeys(s.authorKeySecret, conversationId, person.id);
    const assignments = await s.ratings.assignments(conversationId, raterKey);
    const mine = (await s.thoughts.mine(authorKey)).filter((t) => t.conversationId === conversationId);
    let rated = 0;
    let skipped = 0;
    for (const a of assignments) {
      const e = expected.get(a.thoughtId);
      if (!e) {
        problems.push(`${person.email} holds an assignment of ${a.thoughtId}, which is not a thought`);
        continue;
      }
      if (a.status === "assigned" || a.status === "rated") e.exposure++;
      if (a.status === "rated") {
        e.ratings++;
        e.sum += a.stars ?? 0;
        e.histogram[(a.stars ?? 1) - 1]!++;
        rated++;
      }
      if (a.status === "skipped") {
        e.skips++;
        skipped++;
      }
    }
    total.ratings += rated;
    total.skips += skipped;
    const joined = participation.get(participantKey);
    const counted = {
      thoughts: joined?.thoughtCount ?? 0,
      ratings: joined?.ratingCount ?? 0,
      skips: joined?.skipCount ?? 0,
    };
    const actual = { thoughts: mine.length, ratings: rated, skips: skipped };
    if (JSON.stringify(counted) !== JSON.stringify(actual))
      problems.push(
        `${person.email}: participation says ${JSON.stringify(counted)}, items say ${JSON.stringify(actual)}`,
      );
  }
  for (const t of thoughts) {
    const e = expected.get(t.id)!;
    const stored = {
      exposure: t.exposure,
      ratings: t.ratingCount,
      sum: t.ratingSum,
      skips: t.skipCount,
      histogram: (["1", "2", "3", "4", "5"] as const).map((k) => t.histogram[k]),
    };
    if (JSON.stringify(stored) !== JSON.stringify(e))
      problems.push(
        `thought ${t.id}: stored ${JSON.stringify(stored)}, assignments say ${JSON.stringify(e)}`,
      );
  }
  const counts = await s.conversations.counts(conversationId, 0);
  const countedTotals = {
    thoughts: counts.thoughts,
    ratings: counts.ratings,
    skips: counts.skips,
    participants: counts.participants,
  };
  const actualTotals = { thoughts: thoughts.length, ...total };
  if (JSON.stringify(countedTotals) !== JSON.stringify(actualTotals))
    problems.push(`counters say ${JSON.stringify(countedTotals)}, items say ${JSON.stringify(actualTotals)}`);
  return problems;
}
