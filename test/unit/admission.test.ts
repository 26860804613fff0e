import { afterEach, describe, expect, it, vi } from "vitest";
import { AdmissionGate, type Release } from "../../functions/lib/admission.js";

const admitted = (entered: ReturnType<AdmissionGate["enter"]>): Release => {
  if (typeof entered !== "function") throw new Error(`expected an immediate slot, got ${String(entered)}`);
  return entered;
};

describe("AdmissionGate", () => {
  afterEach(() => vi.useRealTimers());

  it("admits up to maxInFlight at once, queues up to maxQueued, and refuses the rest on arrival", async () => {
    const gate = new AdmissionGate({ maxInFlight: 2, maxQueued: 1, maxQueueMs: 60_000 });
    const a = admitted(gate.enter());
    admitted(gate.enter());
    const waiting = gate.enter();
    expect(waiting).toBeInstanceOf(Promise);
    // Refused synchronously: no promise, no timer, nothing to wait for.
    expect(gate.enter()).toBeUndefined();
    expect(gate.counts()).toEqual({ inFlight: 2, queued: 1, admitted: 2, refused: 1 });

    a();
    const third = await waiting;
    expect(third).toBeTypeOf("function");
    expect(gate.counts()).toEqual({ inFlight: 2, queued: 0, admitted: 3, refused: 1 });
  });

  it("hands slots to waiters in arrival order and ignores a second release of the same slot", async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 3, maxQueueMs: 60_000 });
    const first = admitted(gate.enter());
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      (gate.enter() as Promise<Release | undefined>).then((release) => {
        order.push(n);
        return release!;
      }),
    );
    first();
    first(); // a double release must not admit two at once
    const second = await waiters[0]!;
    expect(gate.counts().inFlight).toBe(1);
    second();
    (await waiters[1]!)();
    (await waiters[2]!)();
    expect(order).toEqual([1, 2, 3]);
    expect(gate.counts()).toEqual({ inFlight: 0, queued: 0, admitted: 4, refused: 0 });
  });

  it("refuses a waiter that was not admitted within maxQueueMs (running requests stalled)", async () => {
    vi.useFakeTimers();
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 1, maxQueueMs: 2_000 });
    const stuck = admitted(gate.enter());
    const waiting = gate.enter() as Promise<Release | undefined>;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await waiting).toBeUndefined();
    expect(gate.counts()).toEqual({ inFlight: 1, queued: 0, admitted: 1, refused: 1 });
    // The slot released later goes to nobody (the waiter left) and the gate is whole again.
    stuck();
    expect(gate.counts().inFlight).toBe(0);
    admitted(gate.enter())();
  });

  it("with no queue refuses as soon as every slot is taken", () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 0 });
    const held = admitted(gate.enter());
    expect(gate.enter()).toBeUndefined();
    held();
    admitted(gate.enter());
  });

  it("rejects a limit that could never admit anyone", () => {
    expect(() => new AdmissionGate({ maxInFlight: 0 })).toThrow(RangeError);
  });
});
