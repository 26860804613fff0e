import { api, call } from "$lib/api";
import { loadFromApi } from "$lib/load";
import { directoryDependency, loadDirectoryValues } from "../directory-values";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, depends }) => {
  await parent();
  // The page invalidates "facilitate:conversation" to read it again: every 10 s while it runs, after a conflict.
  depends("facilitate:conversation", directoryDependency);
  const [conversation, directory] = await Promise.all([
    loadFromApi(() => call(api.conversations[":id"].$get({ param: { id: params.id } }))),
    // A problem here shows in the audience picker with a retry, not instead of the page.
    loadDirectoryValues(),
  ]);
  return { conversation, directory, loadedAt: new Date() };
};
