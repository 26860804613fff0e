import type { InferResponseType } from "hono/client";
import { ApiProblem, api, call } from "./api";

export type MailMessage = InferResponseType<typeof api.mailbox.$get, 200>["messages"][number];

/**
 * Whether this installation keeps mail in a mailbox (the embedded default) instead of sending it.
 * `GET /api/mailbox` answers 404 where mail is really delivered (AWS), so the link is hidden there.
 */
class MailboxAvailability {
  available = $state<boolean | null>(null);
  #checked = false;

  /** Asks the API once per page load; later calls do nothing. */
  check() {
    if (this.#checked) return;
    this.#checked = true;
    call(api.mailbox.$get())
      .then(() => {
        this.available = true;
      })
      .catch((error: unknown) => {
        const problem = ApiProblem.from(error);
        // A network failure or 503 says nothing about the mailbox: ask again next time.
        if (problem.status === 404) this.available = false;
        else this.#checked = false;
      });
  }

  /** Signing out and in as somebody else should not remember a failed check. */
  reset() {
    this.#checked = false;
    this.available = null;
  }
}

export const mailbox = new MailboxAvailability();
