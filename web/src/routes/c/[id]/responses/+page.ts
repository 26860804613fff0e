import { error } from "@sveltejs/kit";
import { api, call } from "$lib/api";
import { loadOrExplain } from "$lib/load";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";

/**
 * The report's themes to respond to, the conversation (its state and running theme job) and, in a
 * cycle, the next stage the responses are carried into. The page invalidates "responses:view"
 * while the themes of a just-closed conversation are being computed.
 */
export const load: PageLoad = async ({ parent, params, depends }) => {
  await parent();
  if (!session.can("lead"))
    error(403, "Leadership responses are written by leaders, facilitators and admins.");
  depends("responses:view");
  const [conversation, report] = await Promise.all([
    // Only for its state, cycle and theme job: the report carries the rest, so a problem is not one.
    loadOrExplain(() => call(api.conversations[":id"].$get({ param: { id: params.id } })), "every"),
    // No report yet (404) is the page's empty state; a problem the page shows with a retry.
    loadOrExplain(
      () => call(api.conversations[":id"].report.$get({ param: { id: params.id }, query: {} })),
      "every",
    ),
  ]);
  const cycleId = conversation.value?.cycleId;
  const cycle = cycleId
    ? (await loadOrExplain(() => call(api.cycles[":id"].$get({ param: { id: cycleId } })), "every")).value
    : null;
  // The stage after this one, to show where the responses go; a draft next stage is for
  // facilitators only, so a leader is told it is still a draft.
  const at = cycle ? cycle.stages.findIndex((s) => s.conversationId === params.id) : -1;
  const following = cycle && at >= 0 ? cycle.stages[at + 1] : undefined;
  const next = following
    ? await loadOrExplain(
        () => call(api.conversations[":id"].$get({ param: { id: following.conversationId } })),
        "every",
      )
    : null;
  return {
    conversation: conversation.value,
    report: report.value,
    noReport: report.problem?.status === 404,
    problem: report.problem?.status === 404 ? null : report.problem,
    cycle,
    next: next?.value ?? null,
    nextHidden: next?.problem != null,
  };
};
