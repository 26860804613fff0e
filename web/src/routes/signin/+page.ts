import { loadConfig } from "$lib/config";
import type { PageLoad } from "./$types";

/** The identity provider's name for the button; if the configuration cannot be read, the page says why. */
export const load: PageLoad = async () => {
  try {
    const config = await loadConfig();
    return { providerName: config.oidc.providerName ?? null, problem: null };
  } catch (error) {
    return { providerName: null, problem: (error as Error).message };
  }
};
