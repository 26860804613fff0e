import { error } from "@sveltejs/kit";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent }) => {
  await parent();
  if (!session.can("facilitate")) error(403, "Creating cycles is for facilitators and admins.");
};
