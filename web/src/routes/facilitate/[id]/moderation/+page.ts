import { api, call } from "$lib/api";
import { loadFromApi, loadOrExplain } from "$lib/load";
import { moderationCount } from "$lib/moderation-count.svelte";
import type { PageLoad } from "./$types";

/**
 * The conversation, both lists (the tabs show both counts) and the decision log. The page
 * invalidates "moderation:queue" after each decision, a conflict or a retry. The log shows its
 * own problem with a retry; any other problem is the error page.
 */
export const load: PageLoad = async ({ parent, params, depends }) => {
  await parent();
  depends("moderation:queue");
  const param = { id: params.id };
  const [conversation, open, hidden, log] = await Promise.all([
    loadFromApi(() => call(api.conversations[":id"].$get({ param }))),
    loadFromApi(() => call(api.conversations[":id"].moderation.$get({ param, query: { view: "open" } }))),
    loadFromApi(() => call(api.conversations[":id"].moderation.$get({ param, query: { view: "hidden" } }))),
    loadOrExplain(() => call(api.conversations[":id"].moderation.log.$get({ param })), "every"),
  ]);
  // The navigation's queue count is read with the queue, so the two agree after a decision.
  moderationCount.refresh();
  return {
    conversation,
    lists: { open: open.items, hidden: hidden.items },
    log: log.value?.entries ?? null,
    logProblem: log.problem,
  };
};
