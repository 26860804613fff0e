import { describe, expect, it } from "vitest";
import { adjustedRandIndex, normalizedMutualInformation } from "../../../functions/themes/metrics.js";

// Expected values worked out by hand from the contingency tables (natural logs, arithmetic-mean NMI);
// they match scikit-learn's normalized_mutual_info_score and adjusted_rand_score.
describe("normalizedMutualInformation", () => {
  it("is 1 for the same partition under other names", () => {
    expect(normalizedMutualInformation([0, 0, 1, 1, 2], ["b", "b", "a", "a", "c"])).toBeCloseTo(1, 12);
  });

  it("matches a hand-computed value: [0,0,1,1] vs [0,0,0,1]", () => {
    // H(T)=ln2, H(P)=0.562335, H(T,P)=1.039721 → MI=0.215762, NMI=MI/((H(T)+H(P))/2)=0.343711
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(0.343711, 5);
  });

  it("matches a hand-computed value: [0,0,0,1,1,1] vs [0,0,1,1,2,2]", () => {
    // H(T)=ln2, H(P)=ln3, H(T,P)=1.329661 → MI=0.462098, NMI=0.515804
    expect(normalizedMutualInformation([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.515804, 5);
  });

  it("is 0 for independent partitions", () => {
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12);
  });

  it("rejects label arrays of different lengths", () => {
    expect(() => normalizedMutualInformation([0, 1], [0])).toThrow(/length/);
  });
});

describe("adjustedRandIndex", () => {
  it("is 1 for the same partition under other names", () => {
    expect(adjustedRandIndex(["x", "x", "y", "z"], [3, 3, 1, 2])).toBeCloseTo(1, 12);
  });

  it("is 0 when agreement is exactly what chance predicts: [0,0,1,1] vs [0,0,0,1]", () => {
    // index=1, expected=2·3/6=1, max=2.5 → (1−1)/(2.5−1)=0
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(0, 12);
  });

  it("matches a hand-computed value: [0,0,0,1,1,1] vs [0,0,1,1,2,2]", () => {
    // index=2, expected=6·3/15=1.2, max=4.5 → 0.8/3.3
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.8 / 3.3, 12);
  });

  it("goes negative for worse-than-chance agreement", () => {
    // index=0, expected=2·2/6, max=2 → −0.5
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });
});
