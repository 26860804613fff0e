import { error } from "@sveltejs/kit";
import { session } from "$lib/session.svelte";
import type { LayoutLoad } from "./$types";

export const load: LayoutLoad = async ({ parent }) => {
  await parent();
  if (!session.can("administer")) error(403, "The directory is for admins only.");
};
