import { api, call } from "$lib/api";
import { loadOrExplain } from "$lib/load";
import { mailbox } from "$lib/mailbox.svelte";
import type { PageLoad } from "./$types";

/** 404: this installation sends real email, so there is no mailbox to show. */
export const load: PageLoad = async ({ parent, depends }) => {
  await parent();
  depends("app:mailbox");
  const { value, problem } = await loadOrExplain(() => call(api.mailbox.$get()), [404]);
  mailbox.available = problem === null;
  return { messages: value?.messages ?? null };
};
