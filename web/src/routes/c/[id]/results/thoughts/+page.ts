import { loadResults } from "../results";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params }) => {
  await parent();
  const { value: report, problem } = await loadResults(params.id);
  return { report, problem, conversationId: params.id };
};
