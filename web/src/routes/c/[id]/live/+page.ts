import { error } from "@sveltejs/kit";
import { api, call } from "$lib/api";
import { loadFromApi } from "$lib/load";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, depends }) => {
  await parent();
  if (!session.can("lead")) {
    error(403, "The live view is for leaders, facilitators and admins. Ask an admin if you need this role.");
  }
  depends("live:view");
  const live = await loadFromApi(() =>
    call(api.conversations[":id"].live.$get({ param: { id: params.id } })),
  );
  return { live, loadedAt: new Date() };
};
