import { error } from "@sveltejs/kit";
import { ApiProblem, api, call } from "$lib/api";
import type { Report, ReportThought } from "$lib/report";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";

/** The newest report with every page of its thoughts: shaping works on all of them. */
export const load: PageLoad = async ({ parent, params, depends }) => {
  await parent();
  depends("report:shape");
  if (!session.can("facilitate")) error(403, "Themes are shaped by facilitators and admins.");
  const fetchPage = (page: number) =>
    call(
      api.conversations[":id"].report.$get({
        param: { id: params.id },
        query: page > 0 ? { page: String(page) } : {},
      }),
    );
  try {
    const report: Report = await fetchPage(0);
    const thoughts: ReportThought[] = [...report.thoughts];
    for (let cursor = report.nextCursor; cursor !== undefined; ) {
      const next = await fetchPage(Number(cursor));
      thoughts.push(...next.thoughts);
      cursor = next.nextCursor;
    }
    return { report, thoughts };
  } catch (caught) {
    const problem = ApiProblem.from(caught);
    error(problem.status || 500, problem.message);
  }
};
