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

/**
 * Like `loadFromApi`, but the statuses a page explains itself (results not published yet) come
 * back as a value beside the data, so the page can say what happens next; every other problem is
 * the error page. `"every"`: a part of a page that shows its own problem and a retry.
 */
export async function loadOrExplain<T>(
  request: () => Promise<T>,
  explained: readonly number[] | "every",
): Promise<{ value: T; problem: null } | { value: null; problem: ApiProblem }> {
  try {
    return { value: await request(), problem: null };
  } catch (cause) {
    const problem = ApiProblem.from(cause);
    if (explained === "every" || explained.includes(problem.status)) return { value: null, problem };
    error(problem.status === 0 ? 503 : problem.status, problem.detail || problem.title);
  }
}
