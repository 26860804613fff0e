import { api, call } from "$lib/api";
import { loadFromApi } from "$lib/load";
import type { PageLoad } from "./$types";

/** The directory, read again after an import (`invalidate("app:directory")`). */
export const load: PageLoad = async ({ parent, depends }) => {
  depends("app:directory");
  await parent();
  return { people: (await loadFromApi(() => call(api.directory.$get()))).people };
};
