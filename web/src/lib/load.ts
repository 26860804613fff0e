import { error } from "@sveltejs/kit";
import { ApiProblem } from "./api";

/**
 * The one way a page's `+page.ts` load reads the API: the navigation waits for it (the layout
 * shows the busy bar meanwhile), and a problem becomes SvelteKit's error page with the API's own
 * words. A network failure reads as 503 so the page says to try again.
 */
export async function loadFromApi<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (cause) {
    const problem = ApiProblem.from(cause);
    error(problem.status === 0 ? 503 : problem.status, problem.detail || problem.title);
  }
}
