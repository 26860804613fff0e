import { api, call } from "$lib/api";
import { loadFromApi, loadOrExplain } from "$lib/load";
import type { PageLoad } from "./$types";

/**
 * The cycle, and beside it its report (a problem there shows in its own section with a retry)
 * and the name of the cycle it was cloned from (the link falls back to "an earlier cycle").
 */
export const load: PageLoad = async ({ parent, params, depends }) => {
  await parent();
  depends("cycle:view");
  const [cycle, report] = await Promise.all([
    loadFromApi(() => call(api.cycles[":id"].$get({ param: { id: params.id } }))),
    loadOrExplain(() => call(api.cycles[":id"].report.$get({ param: { id: params.id } })), "every"),
  ]);
  const from = cycle.clonedFrom;
  const source = from
    ? await call(api.cycles[":id"].$get({ param: { id: from } })).then(
        (c) => ({ id: c.id, name: c.name }),
        () => null,
      )
    : null;
  return { cycle, report: report.value, reportProblem: report.problem, source };
};
