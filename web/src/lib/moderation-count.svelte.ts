import type { InferResponseType } from "hono/client";
import { api, call } from "./api";

export type WaitingConversation = InferResponseType<
  typeof api.moderation.waiting.$get,
  200
>["conversations"][number];

/**
 * How many thoughts wait for a moderator, for the navigation (facilitators and admins). Asked on
 * sign-in, on every navigation at most once a minute, and after each moderation decision. The
 * number only moves at release rounds and when raters flag, so it says nothing about arrivals.
 */
class ModerationCount {
  total = $state<number | null>(null);
  conversations = $state<WaitingConversation[]>([]);
  #askedAt = 0;
  #inFlight = false;

  /** Asks again unless asked within the last minute (`force` after a decision). */
  refresh(force = true) {
    const now = Date.now();
    if (this.#inFlight || (!force && now - this.#askedAt < 60_000)) return;
    this.#askedAt = now;
    this.#inFlight = true;
    call(api.moderation.waiting.$get())
      .then((reply) => {
        this.total = reply.total;
        this.conversations = reply.conversations;
      })
      .catch(() => {
        // The count is a convenience: keep the last one and ask again on the next navigation.
        this.#askedAt = 0;
      })
      .finally(() => {
        this.#inFlight = false;
      });
  }

  reset() {
    this.total = null;
    this.conversations = [];
    this.#askedAt = 0;
  }
}

export const moderationCount = new ModerationCount();
