/**
 * Admission control for the embedded default (docs/operations.md, "Overload"): at most
 * `maxInFlight` requests run at once; a request that finds every slot taken waits for one only if
 * its expected wait fits `maxQueueMs`, and is refused on arrival otherwise, so a burst costs the
 * server a few microseconds per extra request instead of an unbounded queue whose every member
 * eventually times out. In AWS the same job is done by API Gateway's stage throttle and the API
 * function's reserved concurrency (infra/constructs/api.ts).
 *
 * The queue is bounded by expected wait, not by a count: a waiter joins while
 * `(queued + 1) × recent service time / maxInFlight ≤ maxQueueMs`. A fixed count cannot be right
 * for both a fast mix and a slow one, and a wait cut short after the request already queued
 * (the gate before this one, issue 11's goodput) throws away a request the server was about to
 * serve while its slots go idle: bench:load measured the slots busy 47% of the time while it shed
 * half of what it was offered at the sustainable rate. Deciding on arrival keeps refusals
 * immediate and lets the queue absorb the bursts that independent clients make. Waiters are served
 * first come, first served, so the wait each was admitted on is the wait it gets.
 * `maxQueueMs` stays a deadline too: a waiter still without a slot after it (the running requests
 * stalled, or the estimate was far off) is refused then rather than served late.
 */
export interface AdmissionLimits {
  /**
   * Requests running at once. On the 2-core reference machine two keep both cores busy (one
   * request's JavaScript while another waits on DynamoDB Local); each extra slot only adds waiting
   * to every request (bench:load, docs/operations.md).
   */
  readonly maxInFlight: number;
  /** Requests waiting for a slot at most, whatever the estimate: a bound on memory, not the usual limit. */
  readonly maxQueued: number;
  /**
   * The longest expected wait for a slot a request is admitted to, and the longest it then waits:
   * short, so a served request's latency stays near its unloaded latency.
   */
  readonly maxQueueMs: number;
}

export const defaultAdmissionLimits: AdmissionLimits = {
  maxInFlight: 2,
  maxQueued: 8,
  maxQueueMs: 20,
};

/**
 * Weight of the newest slot-holding time in the running estimate (an exponential moving average):
 * about the last eight requests, so the estimate follows a change of mix within a fraction of a
 * second at the rates this gate is for, without swinging on one slow report.
 */
export const serviceTimeWeight = 1 / 8;

/** Time as the gate reads it: injected so tests drive it without real timers. */
export interface AdmissionClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Runs `run` after `ms`; the returned function cancels it. */
  after(ms: number, run: () => void): () => void;
}

export const realClock: AdmissionClock = {
  now: () => performance.now(),
  after: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

/** Hands back the slot; call exactly once (extra calls are ignored). */
export type Release = () => void;

interface Waiter {
  readonly admit: (release: Release | undefined) => void;
  /** When it started waiting (clock.now()). */
  readonly since: number;
  cancel?: () => void;
}

export interface AdmissionCounts {
  readonly inFlight: number;
  readonly queued: number;
  /** Totals since start. */
  readonly admitted: number;
  readonly refused: number;
  /** Of `refused`, those refused after waiting (the deadline passed): the estimate was wrong. */
  readonly refusedWaiting: number;
  /** Slot time used (ms): divided by `maxInFlight` and a stretch of time, how busy the slots were. */
  readonly heldMs: number;
  /** The running estimate of how long a request holds its slot (ms; 0 before the first). */
  readonly serviceMs: number;
}

export class AdmissionGate {
  readonly limits: AdmissionLimits;
  readonly #clock: AdmissionClock;
  #inFlight = 0;
  #admitted = 0;
  #refused = 0;
  #refusedWaiting = 0;
  #heldMs = 0;
  #serviceMs = 0;
  #served = 0;
  /** In arrival order; the first one is served first. */
  readonly #queue: Waiter[] = [];

  constructor(limits: Partial<AdmissionLimits> = {}, clock: AdmissionClock = realClock) {
    this.limits = { ...defaultAdmissionLimits, ...limits };
    this.#clock = clock;
    if (!(this.limits.maxInFlight >= 1)) throw new RangeError("maxInFlight must be at least 1");
    if (!(this.limits.maxQueued >= 0)) throw new RangeError("maxQueued must not be negative");
    if (!(this.limits.maxQueueMs >= 0)) throw new RangeError("maxQueueMs must not be negative");
  }

  /**
   * A slot, now or after a short wait; `undefined` means refused (the expected wait is too long,
   * or no slot came free in time). The fast path and the refusal on arrival are synchronous.
   */
  enter(): Release | undefined | Promise<Release | undefined> {
    if (this.#inFlight < this.limits.maxInFlight) return this.#admit();
    if (this.#queue.length >= this.limits.maxQueued || this.expectedWaitMs() > this.limits.maxQueueMs) {
      this.#refused++;
      return undefined;
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { admit: resolve, since: this.#clock.now() };
      waiter.cancel = this.#clock.after(this.limits.maxQueueMs, () => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        this.#refuse(waiter);
      });
      this.#queue.push(waiter);
    });
  }

  /**
   * What a request arriving now would wait for a slot: the requests ahead of it and itself, each
   * taking a slot's time, spread over the slots. 0 while a slot is free.
   */
  expectedWaitMs(): number {
    if (this.#inFlight < this.limits.maxInFlight) return 0;
    return ((this.#queue.length + 1) * this.#serviceMs) / this.limits.maxInFlight;
  }

  counts(): AdmissionCounts {
    return {
      inFlight: this.#inFlight,
      queued: this.#queue.length,
      admitted: this.#admitted,
      refused: this.#refused,
      refusedWaiting: this.#refusedWaiting,
      heldMs: this.#heldMs,
      serviceMs: this.#serviceMs,
    };
  }

  #admit(): Release {
    this.#inFlight++;
    this.#admitted++;
    const since = this.#clock.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      const now = this.#clock.now();
      this.#learn(now - since);
      // A slot freed while the event loop was busy can find waiters whose deadline has passed
      // before their timer ran: they are refused now, as they would have been on time, rather
      // than served late.
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        next.cancel?.();
        if (now - next.since <= this.limits.maxQueueMs) return next.admit(this.#admit());
        this.#refuse(next);
      }
    };
  }

  /** A plain mean over the first requests, then a moving average that weighs the newest by `serviceTimeWeight`. */
  #learn(heldMs: number) {
    this.#served++;
    this.#heldMs += heldMs;
    const weight = Math.max(serviceTimeWeight, 1 / this.#served);
    this.#serviceMs += weight * (heldMs - this.#serviceMs);
  }

  #refuse(waiter: Waiter) {
    this.#refused++;
    this.#refusedWaiting++;
    waiter.admit(undefined);
  }
}
