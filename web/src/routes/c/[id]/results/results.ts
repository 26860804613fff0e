import { api, call } from "$lib/api";
import { loadOrExplain } from "$lib/load";

/**
 * The published results as a participant reads them: the approved report, one page of ranked
 * thoughts at a time (functions/routes/reports.ts; the server applies the release rule and
 * leaves segments and group comparisons out). 403/404 mean "not published yet": the pages say so.
 */
export const fetchResultsPage = (conversationId: string, page = 0) =>
  call(
    api.conversations[":id"].report.$get({
      param: { id: conversationId },
      query: page > 0 ? { page: String(page) } : {},
    }),
  );

export const loadResults = (conversationId: string) =>
  loadOrExplain(() => fetchResultsPage(conversationId), [403, 404]);
