import { loadFromApi } from "$lib/load";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";
import { fetchReportPage } from "./thoughts";

/** Reads `segment` only: choosing a theme filters what is loaded and does not reload. */
export const load: PageLoad = async ({ parent, params, url }) => {
  await parent();
  const segment = url.searchParams.get("segment") ?? "";
  if (!session.can("lead")) return { first: null, segment };
  return { first: await loadFromApi(() => fetchReportPage(params.id, segment, 0)), segment };
};
