import { error } from "@sveltejs/kit";
import { api, call } from "$lib/api";
import { loadFromApi } from "$lib/load";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, depends }) => {
  await parent();
  if (!session.can("lead")) {
    error(
      403,
      "The leadership overview is for leaders, facilitators and admins. Ask an admin if you need this role.",
    );
  }
  depends("app:conversations");
  const { conversations } = await loadFromApi(() => call(api.conversations.$get()));
  return { conversations, loadedAt: new Date() };
};
