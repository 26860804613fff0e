/**
 * Admission control for the embedded default (docs/operations.md, "Overload"): at most
 * `maxInFlight` requests run at once and at most `maxQueued` wait for a slot, each for at most
 * `maxQueueMs`; anyone past that is refused, so a burst costs the server a few microseconds per
 * extra request instead of an unbounded queue whose every member eventually times out. In AWS the
 * same job is done by API Gateway's stage throttle and the API function's reserved concurrency
 * (infra/constructs/api.ts).
 *
 * The queue is shed by waiting time, as CoDel and Facebook's adaptive LIFO do: a waiter that has
 * not got a slot within its time is refused then, so a served request never waited longer than
 * that and a refused one is told quickly; and the newest waiter gets the next free slot, so under
 * overload the requests served are the fresh ones and the stale ones are the ones refused. As in
 * CoDel the time is adaptive: a calm server lets a page's burst of parallel calls wait the full
 * `maxQueueMs`, but while it is refusing (a refusal within the last `overloadWindowMs`) a new
 * waiter gets only `overloadQueueMs`, since under overload a slot rarely comes in time and the
 * event loop's own delays come on top of the wait a refusal has already had.
 */
export interface AdmissionLimits {
  /**
   * Requests running at once. On the 2-core reference machine two keep both cores busy (one
   * request's JavaScript while another waits on DynamoDB Local); each extra slot only adds waiting
   * to every request (bench:load, docs/operations.md).
   */
  readonly maxInFlight: number;
  /** Requests waiting for a slot: room for a page's few parallel calls, not a backlog. */
  readonly maxQueued: number;
  /**
   * The longest a waiter waits for a slot before it is refused, on a calm server: short, so a
   * refusal is always quick and a served request's latency stays near its unloaded latency.
   */
  readonly maxQueueMs: number;
  /** The same while the server is refusing requests (never longer than `maxQueueMs`). */
  readonly overloadQueueMs: number;
}

export const defaultAdmissionLimits: AdmissionLimits = {
  maxInFlight: 2,
  maxQueued: 2,
  maxQueueMs: 25,
  overloadQueueMs: 10,
};

/** How long after a refusal the server counts as overloaded (CoDel's interval). */
export const overloadWindowMs = 100;

/** Hands back the slot; call exactly once (extra calls are ignored). */
export type Release = () => void;

interface Waiter {
  readonly admit: (release: Release | undefined) => void;
  /** When it started waiting (performance.now()) and how long it may. */
  readonly since: number;
  readonly budgetMs: number;
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
  #lastRefusal = Number.NEGATIVE_INFINITY;
  /** In arrival order; the last one is served first. */
  readonly #queue: Waiter[] = [];

  constructor(limits: Partial<AdmissionLimits> = {}) {
    this.limits = { ...defaultAdmissionLimits, ...limits };
    if (!(this.limits.maxInFlight >= 1)) throw new RangeError("maxInFlight must be at least 1");
    if (!(this.limits.maxQueued >= 0)) throw new RangeError("maxQueued must not be negative");
    if (!(this.limits.maxQueueMs >= 0)) throw new RangeError("maxQueueMs must not be negative");
    if (!(this.limits.overloadQueueMs >= 0)) throw new RangeError("overloadQueueMs must not be negative");
  }

  /**
   * A slot, now or after a short wait; `undefined` means refused (the queue is full, or no slot
   * came free in time). The fast path and the refusal on arrival are synchronous.
   */
  enter(): Release | undefined | Promise<Release | undefined> {
    if (this.#inFlight < this.limits.maxInFlight) return this.#admit();
    const now = performance.now();
    if (this.#queue.length >= this.limits.maxQueued) {
      this.#countRefusal(now);
      return undefined;
    }
    const overloaded = now - this.#lastRefusal < overloadWindowMs;
    const budgetMs = overloaded
      ? Math.min(this.limits.overloadQueueMs, this.limits.maxQueueMs)
      : this.limits.maxQueueMs;
    return new Promise((resolve) => {
      const waiter: Waiter = { admit: resolve, since: now, budgetMs };
      waiter.timer = setTimeout(() => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        this.#refuse(waiter);
      }, budgetMs);
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
      // A slot freed while the event loop was busy can find waiters whose timers are overdue:
      // they are refused now, as they would have been on time, rather than served late.
      const now = performance.now();
      for (let next = this.#queue.pop(); next; next = this.#queue.pop()) {
        clearTimeout(next.timer);
        if (now - next.since <= next.budgetMs) return next.admit(this.#admit());
        this.#refuse(next);
      }
    };
  }

  #refuse(waiter: Waiter) {
    this.#countRefusal(performance.now());
    waiter.admit(undefined);
  }

  #countRefusal(now: number) {
    this.#refused++;
    this.#lastRefusal = now;
  }
}
