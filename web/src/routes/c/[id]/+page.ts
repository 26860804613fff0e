import { api, call } from "$lib/api";
import { isOpen } from "$lib/conversations";
import { loadFromApi, loadOrExplain } from "$lib/load";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, depends }) => {
  await parent();
  depends("conversation:view");
  const conversation = await loadFromApi(() =>
    call(api.conversations[":id"].$get({ param: { id: params.id } })),
  );
  // The caller's own thoughts, while they can take part. A problem shows in the "My thoughts"
  // card with a retry, not instead of the whole page.
  const mine =
    isOpen(conversation.state) && conversation.me.inAudience
      ? await loadOrExplain(
          async () =>
            (await call(api.conversations[":id"].thoughts.mine.$get({ param: { id: params.id } }))).thoughts,
          "every",
        )
      : { value: null, problem: null };
  return { conversation, mine: mine.value, mineProblem: mine.problem, loadedAt: new Date() };
};
