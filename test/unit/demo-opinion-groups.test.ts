import { describe, expect, it } from "vitest";
import { defaultAdaptivePolicy } from "../../functions/domain/adaptive.js";
import { commonGround, divisive, thoughtConsensus } from "../../functions/domain/consensus.js";
import { opinionGroups } from "../../functions/domain/opinion-groups.js";
import type { RatingInput } from "../../functions/domain/rater-bias.js";
import { createRng } from "../../functions/lib/random.js";
import { demoPeople, departmentOutlook } from "../../functions/local/demo/company.js";
import { planRaters, simulateRatings } from "../../functions/local/demo/simulate.js";
import { demoThoughts } from "../../functions/local/demo/thoughts.js";

/**
 * Issue 13, done when: the report shows opinion groups on the sample data. The sample's story is
 * seeded, but every install draws its own secrets, so rater keys and thought ids (the order the
 * clustering reads in) differ from install to install. On each of several such installs, the full
 * Northwind company rated through the same simulation as `npm run demo` must split into opinion
 * groups of at least k = 10 that follow the people's frontline or office outlook, and are not
 * their departments; and, since the sample is rated the way the API hands out thoughts (adaptive
 * slots once every thought has its floor), enough thoughts near the top carry k raters in every
 * group for common ground and division to be read thought by thought.
 */
function install(n: number) {
  const random = createRng(2027).next;
  const keys = createRng(7919 * n);
  const key = () => keys.next().toString(36).slice(2);
  const thoughts = demoThoughts.map((content) => ({ id: key(), authorKey: key(), exposure: 0, content }));
  const raters = planRaters(
    demoPeople.map((person) => ({ person, raterKey: key(), authorKey: key() })),
    20,
    random,
  );
  const ratings: RatingInput[] = simulateRatings(raters, thoughts, random).flatMap((v) =>
    "stars" in v.verdict
      ? [{ raterKey: raters[v.rater]!.raterKey, thoughtId: v.thoughtId, stars: v.verdict.stars }]
      : [],
  );
  return { raters, ratings };
}

describe("the sample conversation's opinion groups", () => {
  it.each([1, 2, 3, 4, 5, 6])("are found on install %i and follow outlook, not department", (n) => {
    const { raters, ratings } = install(n);
    const found = opinionGroups(ratings, { minGroupSize: 10 });
    if (!("groupOf" in found)) throw new Error(`no opinion groups: ${found.reason}`);
    expect(found.groups.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...found.groups.map((g) => g.size))).toBeGreaterThanOrEqual(10);

    // Each outlook's raters mostly land in one group, and the two outlooks in different ones.
    const tally = (pick: (r: (typeof raters)[number]) => string) => {
      const counts = new Map<string, Map<string, number>>();
      for (const r of raters) {
        const group = found.groupOf.get(r.raterKey);
        if (!group) continue;
        const row = counts.get(pick(r)) ?? new Map<string, number>();
        row.set(group, (row.get(group) ?? 0) + 1);
        counts.set(pick(r), row);
      }
      return counts;
    };
    const byOutlook = tally((r) => r.person.outlook);
    const majority = (row: Map<string, number>) => [...row].sort((a, b) => b[1] - a[1])[0]!;
    const [frontlineGroup, frontlineHits] = majority(byOutlook.get("frontline")!);
    const [officeGroup, officeHits] = majority(byOutlook.get("office")!);
    expect(frontlineGroup).not.toBe(officeGroup);
    const rated = [...byOutlook.values()].flatMap((row) => [...row.values()]).reduce((a, b) => a + b, 0);
    expect((frontlineHits + officeHits) / rated).toBeGreaterThan(0.85);

    // The people who lean against their department's outlook go with their outlook: the groups
    // are not the departments (which the report already shows as segments).
    const crossers = raters.filter(
      (r) => found.groupOf.has(r.raterKey) && r.person.outlook !== departmentOutlook(r.person.departmentCode),
    );
    expect(crossers.length).toBeGreaterThan(15);
    const withOutlook = crossers.filter(
      (r) =>
        found.groupOf.get(r.raterKey) === (r.person.outlook === "frontline" ? frontlineGroup : officeGroup),
    );
    expect(withOutlook.length / crossers.length).toBeGreaterThan(0.7);
  });

  it.each([1, 2, 3])("are rated as the API hands out thoughts, on install %i", (n) => {
    const { raters, ratings } = install(n);
    const counts = new Map<string, number>();
    for (const r of ratings) counts.set(r.thoughtId, (counts.get(r.thoughtId) ?? 0) + 1);
    const values = [...counts.values()];
    const mean = ratings.length / demoThoughts.length;
    // Every thought reaches the floor; the adaptive slots give the contenders more, never past 3×.
    expect(counts.size).toBe(demoThoughts.length);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(defaultAdaptivePolicy.floor);
    expect(Math.max(...values)).toBeGreaterThan(2 * mean);
    expect(Math.max(...values)).toBeLessThanOrEqual(3 * mean + 1);

    const found = opinionGroups(ratings, { minGroupSize: 10 });
    if (!("groupOf" in found)) throw new Error(`no opinion groups: ${found.reason}`);
    const ids = found.groups.map((g) => g.id);
    const standings = thoughtConsensus(ratings, found.groupOf, ids, 5);
    expect(commonGround(standings).length).toBeGreaterThanOrEqual(3);
    expect(divisive(standings).length).toBeGreaterThanOrEqual(3);
    expect(raters.length).toBeGreaterThan(120);
  });
});
