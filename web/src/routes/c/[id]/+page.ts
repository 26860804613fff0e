import { api, call } from "$lib/api";
import { loadFromApi } from "$lib/load";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, depends }) => {
  await parent();
  depends("conversation:view");
  const conversation = await loadFromApi(() =>
    call(api.conversations[":id"].$get({ param: { id: params.id } })),
  );
  return { conversation, loadedAt: new Date() };
};
