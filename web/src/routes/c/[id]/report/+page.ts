import { api, call } from "$lib/api";
import { loadOrExplain } from "$lib/load";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";

/**
 * The report (everyone's, or one group's ratings with `?segment=`) and the conversation it is
 * about. The page invalidates "report:view" after a theme run, an approval or a retry.
 */
export const load: PageLoad = async ({ parent, params, url, depends }) => {
  await parent();
  const segment = url.searchParams.get("segment") ?? "";
  if (!session.can("lead")) return { leads: false as const, segment };
  depends("report:view");
  const [conversation, report] = await Promise.all([
    // Only for its state and running theme job: the report says the rest, so a problem here is not one.
    loadOrExplain(() => call(api.conversations[":id"].$get({ param: { id: params.id } })), "every"),
    loadOrExplain(
      () =>
        call(
          api.conversations[":id"].report.$get({
            param: { id: params.id },
            query: segment ? { segment } : {},
          }),
        ),
      // No report yet (404) is the page's empty state; a group's view that fails keeps the way
      // back to everyone's on the page. Anything else is the error page.
      segment ? "every" : [404],
    ),
  ]);
  return {
    leads: true as const,
    segment,
    conversation: conversation.value,
    report: report.value,
    noReport: !segment && report.problem?.status === 404,
    problem: report.problem?.status === 404 && !segment ? null : report.problem,
  };
};
