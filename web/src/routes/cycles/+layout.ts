import { error } from "@sveltejs/kit";
import { session } from "$lib/session.svelte";
import type { LayoutLoad } from "./$types";

export const load: LayoutLoad = async ({ parent }) => {
  await parent();
  if (!session.can("lead")) {
    error(
      403,
      "Strategy cycles are for leaders, facilitators and admins. Ask an admin if you need this role.",
    );
  }
};
