import { api, call } from "$lib/api";
import { loadFromApi } from "$lib/load";
import type { PageLoad } from "./$types";

/** The organisation's settings; the form edits a copy, and a save shows what the API stored. */
export const load: PageLoad = async ({ parent }) => {
  await parent();
  return { settings: await loadFromApi(() => call(api.settings.$get())) };
};
