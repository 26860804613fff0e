import { api, call } from "$lib/api";
import { loadOrExplain } from "$lib/load";
import type { PageLoad } from "./$types";

/**
 * The local provider's login screen: is this sign-in still valid, and the demo directory to pick
 * a person from. An expired sign-in is explained; a problem reading the people shows with a retry.
 */
export const load: PageLoad = async ({ params, fetch, depends }) => {
  depends("interaction:people");
  const details = await fetch(`/interaction/${encodeURIComponent(params.uid)}/details`, {
    headers: { accept: "application/json" },
  }).catch(() => null);
  if (details && !details.ok) {
    const body = (await details.json().catch(() => ({}))) as { detail?: string };
    return {
      expired:
        body.detail ?? "This sign-in page is no longer valid. Go back to Groundswell and sign in again.",
      people: null,
      problem: null,
    };
  }
  const people = await loadOrExplain(async () => (await call(api.auth.dev.people.$get())).people, "every");
  return { expired: null, people: people.value, problem: people.problem };
};
