import { api, call } from "$lib/api";
import { loadFromApi } from "$lib/load";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, depends }) => {
  await parent();
  depends("app:conversations");
  const { conversations } = await loadFromApi(() => call(api.conversations.$get()));
  return { conversations };
};
