import type { Action } from "./ReviewItem.svelte";

export type BulkAction = "hide" | "keep" | "restore";

/** What the page says once a moderator's decision on one thought is stored. */
export function decisionMessage(action: Action, outcome: "done" | "unchanged"): string {
  if (outcome === "unchanged") return "Another moderator had already decided it the same way.";
  if (action === "hide")
    return "Hidden. Nobody is given it to rate, and the report no longer quotes or lists it.";
  if (action === "keep") return "Kept. It joins the rating pool with the next release round.";
  return "Restored. It joins the rating pool with the next release round, and the report lists it again (if the report was computed while it was hidden, once themes are run again).";
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const bulkDone: Record<BulkAction, string> = { hide: "hidden", keep: "approved", restore: "restored" };

/** A bulk decision's outcome counts in words: each thought is decided on its own. */
export function bulkSummary(action: BulkAction, o: Record<string, number>): string {
  const parts = [`${plural(o.done ?? 0, "thought", "thoughts")} ${bulkDone[action]}.`];
  if (o.unchanged) parts.push(`${plural(o.unchanged, "was", "were")} already decided the same way.`);
  if (o.conflict)
    parts.push(`${plural(o.conflict, "was", "were")} decided differently by another moderator meanwhile.`);
  if (o["not-found"]) parts.push(`${plural(o["not-found"], "is", "are")} no longer in the queue.`);
  return parts.join(" ");
}

export const excerpt = (text: string) => (text.length > 90 ? `${text.slice(0, 87)}…` : text);
