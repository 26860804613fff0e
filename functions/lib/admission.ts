/**
 * Admission control for the embedded default (docs/operations.md, "Overload"): at most
 * `maxInFlight` requests run at once and at most `maxQueued` wait for a slot; anyone past that is
 * refused at once, so a burst costs the server a few microseconds per extra request instead of an
 * unbounded queue whose every member eventually times out. In AWS the same job is done by API
 * Gateway's stage throttle and the API function's reserved concurrency (infra/constructs/api.ts).
 */
export interface AdmissionLimits {
  /** Requests running at once. On a 2-core machine a handful saturates DynamoDB Local already. */
  readonly maxInFlight: number;
  /** Requests waiting for a slot; kept short so a served request never waits long. */
  readonly maxQueued: number;
  /**
   * A safety net for when running requests stall (DynamoDB hangs): a waiter not admitted within
   * this time is refused then. Under plain overload the queue moves and refusals happen on arrival.
   */
  readonly maxQueueMs: number;
}

export const defaultAdmissionLimits: AdmissionLimits = { maxInFlight: 4, maxQueued: 4, maxQueueMs: 2_000 };

/** Hands back the slot; call exactly once (extra calls are ignored). */
export type Release = () => void;

interface Waiter {
  readonly admit: (release: Release | undefined) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export interface AdmissionCounts {
  readonly inFlight: number;
  readonly queued: number;
  /** Totals since start. */
  readonly admitted: number;
  readonly refused: number;
}

export class AdmissionGate {
  readonly limits: AdmissionLimits;
  #inFlight = 0;
  #admitted = 0;
  #refused = 0;
  readonly #queue: Waiter[] = [];

  constructor(limits: Partial<AdmissionLimits> = {}) {
    this.limits = { ...defaultAdmissionLimits, ...limits };
    if (!(this.limits.maxInFlight >= 1)) throw new RangeError("maxInFlight must be at least 1");
  }

  /**
   * A slot, now or after a short wait; `undefined` means refused (the queue is full, or the wait
   * ran past `maxQueueMs`). The fast path and the refusal on arrival are synchronous.
   */
  enter(): Release | undefined | Promise<Release | undefined> {
    if (this.#inFlight < this.limits.maxInFlight) return this.#admit();
    if (this.#queue.length >= this.limits.maxQueued) {
      this.#refused++;
      return undefined;
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { admit: resolve };
      waiter.timer = setTimeout(() => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        this.#refused++;
        resolve(undefined);
      }, this.limits.maxQueueMs);
      this.#queue.push(waiter);
    });
  }

  counts(): AdmissionCounts {
    return {
      inFlight: this.#inFlight,
      queued: this.#queue.length,
      admitted: this.#admitted,
      refused: this.#refused,
    };
  }

  #admit(): Release {
    this.#inFlight++;
    this.#admitted++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      const next = this.#queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.admit(this.#admit());
      }
    };
  }
}
