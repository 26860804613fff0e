import { describe, expect, it } from "vitest";
import {
  type AdmissionClock,
  AdmissionGate,
  type AdmissionLimits,
  type Release,
  serviceTimeWeight,
} from "../../functions/lib/admission.js";

/**
 * A clock the test moves by hand: `advance` runs the timers that fall due, in order; `stall`
 * moves time without running them, as a busy event loop does.
 */
function manualClock() {
  let now = 0;
  const timers: { at: number; run: () => void; live: boolean }[] = [];
  const clock: AdmissionClock & { advance(ms: number): void; stall(ms: number): void } = {
    now: () => now,
    after(ms, run) {
      const timer = { at: now + ms, run, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = due.at;
        due.live = false;
        due.run();
      }
      now = until;
    },
    stall(ms) {
      now += ms;
    },
  };
  return clock;
}

type Entered = ReturnType<AdmissionGate["enter"]>;
const admitted = (entered: Entered): Release => {
  if (typeof entered !== "function") throw new Error(`expected an immediate slot, got ${String(entered)}`);
  return entered;
};
const waiting = (entered: Entered): Promise<Release | undefined> => {
  if (!(entered instanceof Promise)) throw new Error(`expected to wait, got ${String(entered)}`);
  return entered;
};

/** A gate whose estimate of a slot's time is `serviceMs`, learnt from requests that held it so. */
function gateAt(serviceMs: number, limits: Partial<AdmissionLimits> = {}) {
  const clock = manualClock();
  const gate = new AdmissionGate({ maxInFlight: 2, maxQueued: 8, maxQueueMs: 25, ...limits }, clock);
  for (let i = 0; i < 1 / serviceTimeWeight; i++) {
    const release = admitted(gate.enter());
    clock.advance(serviceMs);
    release();
  }
  return { gate, clock };
}

describe("AdmissionGate", () => {
  it("queues a burst larger than its slots while the expected wait fits, and refuses the rest on arrival", async () => {
    // Requests hold a slot 20 ms; two slots free one every 10 ms on average.
    const { gate, clock } = gateAt(20);
    const running = [admitted(gate.enter()), admitted(gate.enter())];
    const second = waiting(gate.enter()); // expected wait 10 ms
    const third = waiting(gate.enter()); // expected wait 20 ms
    expect(gate.expectedWaitMs()).toBe(30);
    // Refused synchronously: no promise, no timer, nothing to wait for.
    expect(gate.enter()).toBeUndefined();
    expect(gate.counts()).toMatchObject({ inFlight: 2, queued: 2, refused: 1, refusedWaiting: 0 });

    clock.advance(20);
    for (const release of running) release();
    // Both waiters are served: the slots they waited for did come free.
    expect(await second).toBeTypeOf("function");
    expect(await third).toBeTypeOf("function");
    expect(gate.counts()).toMatchObject({ inFlight: 2, queued: 0, refused: 1 });
  });

  it("does not cut the wait of later requests because it refused one", async () => {
    const { gate, clock } = gateAt(20);
    const running = [admitted(gate.enter()), admitted(gate.enter())];
    const queued = [waiting(gate.enter()), waiting(gate.enter())];
    expect(gate.enter()).toBeUndefined(); // the server is now refusing
    clock.advance(10);
    running[0]!();
    clock.advance(2);
    running[1]!();
    const [a] = await Promise.all(queued);
    // A newcomer right after the refusal waits as long as its expected wait needs, here 15 ms.
    const newcomer = waiting(gate.enter());
    clock.advance(15);
    a!();
    expect(await newcomer).toBeTypeOf("function");
    expect(gate.counts()).toMatchObject({ queued: 0, refused: 1, refusedWaiting: 0 });
  });

  it("serves waiters first come, first served", async () => {
    const { gate } = gateAt(1, { maxInFlight: 1 });
    const first = admitted(gate.enter());
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      waiting(gate.enter()).then((release) => {
        order.push(n);
        return release!;
      }),
    );
    first();
    first(); // a double release must not admit two at once
    const one = await waiters[0]!;
    expect(gate.counts().inFlight).toBe(1);
    one();
    (await waiters[1]!)();
    (await waiters[2]!)();
    expect(order).toEqual([1, 2, 3]);
    expect(gate.counts()).toMatchObject({ inFlight: 0, queued: 0, refused: 0 });
  });

  it("learns how long requests hold a slot, so slower requests get a shorter queue", () => {
    const { gate, clock } = gateAt(50);
    expect(gate.counts().serviceMs).toBe(50);
    const running = [admitted(gate.enter()), admitted(gate.enter())];
    waiting(gate.enter()); // expected wait 25 ms: just fits
    expect(gate.enter()).toBeUndefined(); // 50 ms would not
    clock.advance(10);
    running[0]!(); // held 10 ms: the estimate moves an eighth of the way
    expect(gate.counts().serviceMs).toBeCloseTo(50 + serviceTimeWeight * (10 - 50));
  });

  it("refuses a waiter that got no slot within maxQueueMs (the running requests stalled)", async () => {
    const { gate, clock } = gateAt(20, { maxInFlight: 1 });
    const stuck = admitted(gate.enter());
    const stalled = waiting(gate.enter());
    clock.advance(24);
    expect(gate.counts().queued).toBe(1);
    clock.advance(1);
    expect(await stalled).toBeUndefined();
    expect(gate.counts()).toMatchObject({ inFlight: 1, queued: 0, refused: 1, refusedWaiting: 1 });
    // The slot released later goes to nobody (the waiter left) and the gate is whole again.
    stuck();
    expect(gate.counts().inFlight).toBe(0);
    admitted(gate.enter())();
  });

  it("refuses, not serves, waiters whose time ran out while the event loop was busy", async () => {
    const { gate, clock } = gateAt(10, { maxInFlight: 1 });
    const running = admitted(gate.enter());
    const older = waiting(gate.enter());
    clock.advance(10);
    const newer = waiting(gate.enter());
    clock.stall(20); // older has waited 30 ms, newer 20 ms, and no timer has run
    running();
    expect(await older).toBeUndefined();
    expect(await newer).toBeTypeOf("function");
    expect(gate.counts()).toMatchObject({ inFlight: 1, queued: 0, refused: 1, refusedWaiting: 1 });
  });

  it("before it has timed any request, queues up to maxQueued", () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 2, maxQueueMs: 25 }, manualClock());
    admitted(gate.enter());
    waiting(gate.enter());
    waiting(gate.enter());
    expect(gate.enter()).toBeUndefined();
  });

  it("with no queue refuses as soon as every slot is taken", () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 0 }, manualClock());
    const held = admitted(gate.enter());
    expect(gate.enter()).toBeUndefined();
    held();
    admitted(gate.enter());
  });

  it("counts the slot time used", () => {
    const { gate, clock } = gateAt(20);
    const a = admitted(gate.enter());
    clock.advance(5);
    a();
    expect(gate.counts().heldMs).toBe(20 / serviceTimeWeight + 5);
  });

  it("rejects limits that could never admit anyone or make no sense", () => {
    expect(() => new AdmissionGate({ maxInFlight: 0 })).toThrow(RangeError);
    expect(() => new AdmissionGate({ maxQueued: -1 })).toThrow(RangeError);
    expect(() => new AdmissionGate({ maxQueueMs: Number.NaN })).toThrow(RangeError);
  });
});
