import { ApiProblem } from "./api";

export type Page<T> = { readonly items: T[]; readonly nextCursor?: string | undefined };

/**
 * A list the API serves a page at a time, newest first: the first page comes from the page's
 * `+page.ts` load (lib/load.ts), the next one on "show more". A page that fails keeps what is
 * already shown and offers to try again.
 */
export class PagedList<T> {
  items = $state<T[]>([]);
  cursor = $state<string | undefined>(undefined);
  problem = $state<ApiProblem | null>(null);
  loadingMore = $state(false);
  readonly #fetch: (cursor: string | undefined) => Promise<Page<T>>;

  constructor(first: Page<T>, fetch: (cursor: string | undefined) => Promise<Page<T>>) {
    this.items = first.items;
    this.cursor = first.nextCursor;
    this.#fetch = fetch;
  }

  /** How many items the next page added, or undefined when there was none or it failed. */
  more = async (): Promise<number | undefined> => {
    if (!this.cursor) return undefined;
    this.loadingMore = true;
    this.problem = null;
    try {
      const page = await this.#fetch(this.cursor);
      this.items = [...this.items, ...page.items];
      this.cursor = page.nextCursor;
      return page.items.length;
    } catch (error) {
      this.problem = ApiProblem.from(error);
      return undefined;
    } finally {
      this.loadingMore = false;
    }
  };
}
