import { api, call } from "$lib/api";
import { loadFromApi } from "$lib/load";
import { mailbox } from "$lib/mailbox.svelte";
import { session } from "$lib/session.svelte";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent }) => {
  await parent();
  mailbox.check();
  const person = await loadFromApi(() => call(api.me.$get()));
  session.update(person);
  return { person };
};
