import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  boundaryOf,
  boundaryStart,
  decideRound,
  joinsPoolBy,
  releaseRule,
} from "../../functions/domain/release-rounds.js";

const at = (hhmm: string) => new Date(`2026-05-04T${hhmm}:00.000Z`);
const b = (hhmm: string) => boundaryOf(at(hhmm));

describe("release rounds (DESIGN §3.7)", () => {
  it("cuts the clock into quarter hours", () => {
    expect(boundaryOf(at("10:14"))).toBe(b("10:00"));
    expect(boundaryOf(at("10:15"))).toBe(b("10:00") + 1);
    expect(boundaryStart(b("10:30")).toISOString()).toBe("2026-05-04T10:30:00.000Z");
  });

  it("releases at a quarter hour once five thoughts wait", () => {
    expect(decideRound({ waiting: 5, lastBoundary: b("10:00") }, at("10:15"))).toEqual({
      kind: "release",
      boundary: b("10:15"),
    });
    expect(decideRound({ waiting: 4, lastBoundary: b("10:00") }, at("10:15"))).toEqual({
      kind: "wait",
      boundary: b("10:15"),
    });
  });

  it("releases whatever waits at a full hour, so a quiet conversation still flows", () => {
    expect(decideRound({ waiting: 1, lastBoundary: b("10:45") }, at("11:00")).kind).toBe("release");
    // A missed tick: the next one still sees the hour was crossed.
    expect(decideRound({ waiting: 1, lastBoundary: b("10:45") }, at("11:07")).kind).toBe("release");
    expect(decideRound({ waiting: 1, lastBoundary: b("10:30") }, at("10:45")).kind).toBe("wait");
  });

  it("decides each boundary once: repeated and late ticks change nothing", () => {
    expect(decideRound({ waiting: 9, lastBoundary: b("10:15") }, at("10:16"))).toEqual({ kind: "seen" });
    expect(decideRound({ waiting: 9, lastBoundary: b("10:30") }, at("10:16"))).toEqual({ kind: "seen" });
  });

  it("makes every full hour a round, even with nothing waiting, so counts still move", () => {
    expect(decideRound({ waiting: 0, lastBoundary: b("10:45") }, at("11:00")).kind).toBe("release");
    expect(decideRound({ waiting: 0, lastBoundary: b("11:00") }, at("11:15")).kind).toBe("wait");
  });

  it("tells an author the latest their thought joins: the next full hour", () => {
    expect(joinsPoolBy(at("10:00")).toISOString()).toBe("2026-05-04T11:00:00.000Z");
    expect(joinsPoolBy(at("10:59")).toISOString()).toBe("2026-05-04T11:00:00.000Z");
  });

  it("records a boundary with nothing waiting, and waits on its first look at a conversation", () => {
    expect(decideRound({ waiting: 0 }, at("10:03"))).toEqual({ kind: "wait", boundary: b("10:00") });
    expect(decideRound({ waiting: 2 }, at("10:03"))).toEqual({ kind: "wait", boundary: b("10:00") });
    expect(decideRound({ waiting: 5 }, at("10:03")).kind).toBe("release");
  });

  it("never keeps a thought waiting more than an hour, and never releases a round of one before a full hour", () => {
    // Simulate minute ticks with arrivals at random minutes; check every released round.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 40 }), (minutes) => {
        const arrivals = [...minutes].sort((x, y) => x - y);
        const start = at("09:58").getTime();
        let lastBoundary: number | undefined;
        let waiting: number[] = [];
        let next = 0;
        for (let minute = 0; minute <= 800; minute++) {
          while (next < arrivals.length && arrivals[next]! <= minute) waiting.push(arrivals[next++]!);
          const now = new Date(start + minute * 60_000);
          const decision = decideRound({ waiting: waiting.length, lastBoundary }, now);
          if (decision.kind === "seen") continue;
          lastBoundary = decision.boundary;
          if (decision.kind === "release") {
            const onTheHour = now.getUTCMinutes() < releaseRule.boundaryMinutes;
            expect(waiting.length >= releaseRule.minimum || onTheHour).toBe(true);
            waiting = [];
          }
          for (const arrived of waiting) expect(minute - arrived).toBeLessThanOrEqual(61);
        }
        expect(waiting).toEqual([]);
      }),
    );
  });
});
