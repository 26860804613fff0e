import { loadFromApi } from "$lib/load";
import type { PageLoad } from "./$types";
import { fetchAudit } from "./audit";

export const load: PageLoad = async ({ parent }) => {
  await parent();
  return { first: await loadFromApi(() => fetchAudit(undefined)) };
};
