import { directoryDependency, loadDirectoryValues } from "../directory-values";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, depends }) => {
  await parent();
  depends(directoryDependency);
  // A problem reading the directory shows in the audience picker with a retry, not instead of the form.
  return { directory: await loadDirectoryValues() };
};
