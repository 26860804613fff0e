import { loadFromApi } from "$lib/load";
import type { PageLoad } from "./$types";
import { fetchCycles } from "./cycles";

export const load: PageLoad = async ({ parent }) => {
  await parent();
  return { first: await loadFromApi(() => fetchCycles(undefined)) };
};
