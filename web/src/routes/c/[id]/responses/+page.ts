import { error } from "@sveltejs/kit";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent }) => {
  await parent();
  if (!session.can("lead"))
    error(403, "Leadership responses are written by leaders, facilitators and admins.");
};
