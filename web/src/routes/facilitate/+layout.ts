import { error } from "@sveltejs/kit";
import { session } from "$lib/session.svelte";
import type { LayoutLoad } from "./$types";

export const load: LayoutLoad = async ({ parent }) => {
  await parent();
  if (!session.can("facilitate")) {
    error(403, "Managing conversations is for facilitators and admins. Ask an admin if you need this role.");
  }
};
