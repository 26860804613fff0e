import type { Decision } from "../repositories/moderation.js";
import type { Services } from "../services.js";

/**
 * What a moderation decision changes in the reports already computed (issue 12, docs/anonymity.md
 * "Moderation and reports already computed"): a redaction rewrites the thought's quotes, a hide
 * takes it out of the reports' lists and quotes, a restore puts it back where it was. Called with
 * the thoughts the decision holds for (done, or unchanged: a repeat finishes what an earlier
 * request could not); keeping a thought changes no report.
 */
export async function reflectInReports(
  s: Services,
  conversationId: string,
  decision: Decision,
  thoughtIds: readonly string[],
): Promise<void> {
  if (thoughtIds.length === 0) return;
  switch (decision.action) {
    case "redact":
      for (const id of thoughtIds) await s.reports.rewriteQuotes(conversationId, id, decision.text);
      return;
    case "hide":
      await s.reports.withhold(conversationId, thoughtIds);
      return;
    case "restore": {
      const thoughts = await s.thoughts.getMany(conversationId, thoughtIds);
      await s.reports.release(
        conversationId,
        [...thoughts.values()].map((t) => ({ id: t.id, text: t.text })),
      );
      return;
    }
    case "keep":
      return;
  }
}

/**
 * A moderator who redacts or hides a thought while a theme run reads and computes changes the
 * versions stored then, not the run's. So once its version is the newest, the run reads the
 * thoughts again, consistently: a thought whose text changed meanwhile has its quotes rewritten,
 * one hidden meanwhile is withheld. Either this read sees the decision, or the decision was saved
 * after this version became the newest, and the moderator's own request reaches it: no order of
 * the two leaves removed text quoted.
 */
export async function catchUpWithModeration(
  s: Services,
  conversationId: string,
  used: readonly { id: string; text: string }[],
): Promise<void> {
  const textOf = new Map(used.map((t) => [t.id, t.text]));
  const hidden: string[] = [];
  for await (const page of s.thoughts.all(conversationId, { consistent: true })) {
    for (const thought of page) {
      const quoted = textOf.get(thought.id);
      if (quoted === undefined) continue;
      if (thought.status !== "visible") hidden.push(thought.id);
      else if (quoted !== thought.text)
        await s.reports.rewriteQuotes(conversationId, thought.id, thought.text);
    }
  }
  await s.reports.withhold(conversationId, hidden);
}
