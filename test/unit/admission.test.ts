import { afterEach, describe, expect, it, vi } from "vitest";
import { AdmissionGate, overloadWindowMs, type Release } from "../../functions/lib/admission.js";

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

  it("gives a freed slot to the newest waiter and ignores a second release of the same slot", async () => {
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
    const third = await waiters[2]!;
    expect(gate.counts().inFlight).toBe(1);
    third();
    (await waiters[1]!)();
    (await waiters[0]!)();
    // Under overload the fresh requests are served and the stale ones are the ones that time out.
    expect(order).toEqual([3, 2, 1]);
    expect(gate.counts()).toEqual({ inFlight: 0, queued: 0, admitted: 4, refused: 0 });
  });

  it("refuses every waiter that got no slot within maxQueueMs, and serves one whose slot came sooner", async () => {
    vi.useFakeTimers();
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 2, maxQueueMs: 25 });
    const running = admitted(gate.enter());
    const early = gate.enter() as Promise<Release | undefined>;
    await vi.advanceTimersByTimeAsync(10);
    const late = gate.enter() as Promise<Release | undefined>;
    await vi.advanceTimersByTimeAsync(16); // early has waited 26 ms, late 16 ms
    expect(await early).toBeUndefined();
    expect(gate.counts()).toMatchObject({ queued: 1, refused: 1 });
    running();
    const served = await late;
    expect(served).toBeTypeOf("function");
    expect(gate.counts()).toEqual({ inFlight: 1, queued: 0, admitted: 2, refused: 1 });
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

  it("refuses, not serves, waiters whose time ran out while the event loop was busy", async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 2, maxQueueMs: 5 });
    const running = admitted(gate.enter());
    const older = gate.enter() as Promise<Release | undefined>;
    const newer = gate.enter() as Promise<Release | undefined>;
    // Synchronous work holds the loop past both deadlines, so neither timer has run yet.
    const until = performance.now() + 20;
    while (performance.now() < until);
    running();
    expect(await newer).toBeUndefined();
    expect(await older).toBeUndefined();
    expect(gate.counts()).toEqual({ inFlight: 0, queued: 0, admitted: 1, refused: 2 });
  });

  it("while it is refusing, lets a new waiter wait only overloadQueueMs; once calm, maxQueueMs again", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 1, maxQueueMs: 25, overloadQueueMs: 5 });
    const running = admitted(gate.enter());
    const calm = gate.enter() as Promise<Release | undefined>;
    expect(gate.enter()).toBeUndefined(); // queue full: the server is now refusing
    await vi.advanceTimersByTimeAsync(25);
    expect(await calm).toBeUndefined();
    const hurried = gate.enter() as Promise<Release | undefined>;
    await vi.advanceTimersByTimeAsync(6);
    expect(await hurried).toBeUndefined();
    await vi.advanceTimersByTimeAsync(overloadWindowMs);
    const patient = gate.enter() as Promise<Release | undefined>;
    await vi.advanceTimersByTimeAsync(20);
    expect(gate.counts()).toMatchObject({ queued: 1, refused: 3 });
    running();
    expect(await patient).toBeTypeOf("function");
  });

  it("with no queue refuses as soon as every slot is taken", () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 0 });
    const held = admitted(gate.enter());
    expect(gate.enter()).toBeUndefined();
    held();
    admitted(gate.enter());
  });

  it("rejects limits that could never admit anyone or make no sense", () => {
    expect(() => new AdmissionGate({ maxInFlight: 0 })).toThrow(RangeError);
    expect(() => new AdmissionGate({ maxQueued: -1 })).toThrow(RangeError);
    expect(() => new AdmissionGate({ maxQueueMs: Number.NaN })).toThrow(RangeError);
    expect(() => new AdmissionGate({ overloadQueueMs: -1 })).toThrow(RangeError);
  });
});
