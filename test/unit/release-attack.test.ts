import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { opinionGroups } from "../../functions/domain/opinion-groups.js";
import type { Histogram } from "../../functions/domain/statistics.js";
import { type ComputedReport, computeReport } from "../../functions/report/compute.js";
import type { RatingRecord } from "../../functions/repositories/ratings.js";

/**
 * The release rule attacked as an insider would (issue 9): the report is computed by the real
 * code over a random company whose attributes are correlated the way real directories are —
 * teams inside departments inside divisions, a small location that is all one level — and an
 * adversary who knows the whole directory combines what the report released. For every ±1
 * combination of up to four released numbers of one kind (everyone included), on counts and on
 * histograms, per segment, per theme and per thought, the people whose data the combination
 * still holds (ground truth, known to the test) must be nobody or at least k. (The unsegmented
 * number alone — a thought's overall histogram — is the report itself, not a segment, and is
 * not counted on its own; combined with anything segmented it is.)
 */

interface Person {
  key: string;
  attributes: Record<string, string>;
}

const company = fc
  .record({
    divisions: fc.integer({ min: 1, max: 3 }),
    departmentsPer: fc.integer({ min: 1, max: 3 }),
    teamsPer: fc.integer({ min: 1, max: 3 }),
    people: fc.integer({ min: 6, max: 70 }),
    smallLocation: fc.integer({ min: 1, max: 6 }),
    locations: fc.integer({ min: 2, max: 4 }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    thoughts: fc.integer({ min: 3, max: 14 }),
    themes: fc.integer({ min: 1, max: 4 }),
    rateShare: fc.double({ min: 0.3, max: 1, noNaN: true }),
  })
  .map((spec) => {
    let state = spec.seed;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const pick = (n: number) => Math.floor(random() * n);
    const people: Person[] = Array.from({ length: spec.people }, (_, i) => {
      const division = pick(spec.divisions);
      const department = `${division}.${pick(spec.departmentsPer)}`;
      const team = `${department}.${pick(spec.teamsPer)}`;
      const small = i < spec.smallLocation;
      return {
        key: `p${i}`,
        attributes: {
          division: `Div${division}`,
          department: `Dept${department}`,
          team: `Team${team}`,
          // The small location is all managers; elsewhere levels mix.
          location: small ? "Outpost" : `Loc${pick(spec.locations)}`,
          level: small ? "Manager" : ["IC", "IC", "Manager", "Director"][pick(4)]!,
        },
      };
    });
    const thoughtIds = Array.from({ length: spec.thoughts }, (_, i) => `t${i}`);
    const ratings: RatingRecord[] = [];
    for (const person of people) {
      for (const thoughtId of thoughtIds) {
        if (random() >= spec.rateShare) continue;
        ratings.push({
          thoughtId,
          raterKey: person.key,
          attributes: person.attributes,
          stars: 1 + pick(5),
          day: "2026-05-04",
        });
      }
    }
    const themes = Array.from({ length: spec.themes }, (_, j) => ({
      id: `theme${j}`,
      title: `Theme ${j}`,
      summary: "A summary.",
      keyPhrases: ["phrase"],
      thoughtIds: thoughtIds.filter((_, i) => i % spec.themes === j),
    }));
    return { people, thoughtIds, ratings, themes };
  });

type Company = typeof company extends fc.Arbitrary<infer T> ? T : never;

function report(c: Company, k: number, textK: number): ComputedReport {
  const histograms = new Map(c.thoughtIds.map((id) => [id, [0, 0, 0, 0, 0]]));
  for (const r of c.ratings) histograms.get(r.thoughtId)![r.stars - 1]!++;
  return computeReport({
    conversation: {
      id: "c",
      title: "Attack",
      prompt: "?",
      state: "closed",
      anonymityThreshold: k,
      textAnonymityThreshold: textK,
    },
    counts: { invited: c.people.length, participants: c.people.length, thoughts: 0, ratings: 0, skips: 0 },
    thoughts: c.thoughtIds.map((id) => ({
      id,
      text: `Thought ${id}`,
      createdDay: "2026-05-04",
      histogram: histograms.get(id) as unknown as Histogram,
    })),
    ratings: c.ratings,
    themes: { engine: "test", themes: c.themes },
    version: 1,
    generatedAt: "2026-05-04T00:00:00Z",
  });
}

/** A released number of one kind: the people (of the population) it sums over, and its value. */
interface Released {
  readonly people: ReadonlySet<string>;
  readonly histogram: readonly number[];
}

/**
 * Every ±1 combination of up to four released numbers: the people left with a nonzero
 * coefficient, and the combined histogram. Fails the test when 1..k−1 people remain.
 */
function attack(population: readonly string[], released: readonly Released[], k: number, label: string) {
  const index = new Map(population.map((p, i) => [p, i]));
  const terms = released.map((r) => [...r.people].map((p) => index.get(p)!));
  const coefficient = new Int32Array(population.length);
  const histogram = [0, 0, 0, 0, 0];
  const visit = (start: number, depth: number, chosen: string[]) => {
    // The first number is the unsegmented one (everyone, the whole theme, the whole thought): the
    // report carries it whatever its size; what it must not do is narrow a segment's numbers.
    if (depth > 0 && !(depth === 1 && chosen[0] === "+#0")) {
      let support = 0;
      for (const c of coefficient) if (c !== 0) support++;
      if (support > 0 && support < k) {
        throw new Error(
          `${label}: ${chosen.join(" ")} describes ${support} people (histogram ${histogram.join(",")})`,
        );
      }
    }
    if (depth === 4) return;
    for (let i = start; i < released.length; i++) {
      for (const sign of depth === 0 ? [1] : [1, -1]) {
        for (const p of terms[i]!) coefficient[p]! += sign;
        released[i]!.histogram.forEach((x, s) => {
          histogram[s]! += sign * x;
        });
        visit(i + 1, depth + 1, [...chosen, `${sign > 0 ? "+" : "−"}#${i}`]);
        for (const p of terms[i]!) coefficient[p]! -= sign;
        released[i]!.histogram.forEach((x, s) => {
          histogram[s]! -= sign * x;
        });
      }
    }
  };
  visit(0, 0, []);
}

const inSlice = (person: Person, key: string) => {
  const [attribute, ...rest] = key.split(":");
  return person.attributes[attribute!] === rest.join(":");
};

function histogramOf(ratings: readonly RatingRecord[]) {
  const h = [0, 0, 0, 0, 0];
  for (const r of ratings) h[r.stars - 1]!++;
  return h;
}

/**
 * Reads what the report released and attacks it; also checks the released numbers are the truth.
 * Opinion groups (issue 13) are slices too: the adversary is granted who is in which group (the
 * grouping is a deterministic function of the ratings, which an insider with the table has), so
 * every group number is attacked together with the directory's.
 */
function attackReport(c: Company, computed: ComputedReport, k: number, textK: number) {
  const grouping = opinionGroups(c.ratings, { minGroupSize: textK });
  const groupOf = "groupOf" in grouping ? grouping.groupOf : new Map<string, string>();
  const byKey = new Map(
    c.people.map((p) => {
      const group = groupOf.get(p.key);
      return [p.key, group ? { ...p, attributes: { ...p.attributes, opinionGroup: group } } : p];
    }),
  );
  const raters = [...new Set(c.ratings.map((r) => r.raterKey))];
  const { head } = computed;
  const segments = head.segments ?? [];
  const released = segments.filter((s) => s.released);
  const membersOf = (key: string, among: readonly string[]) =>
    new Set(among.filter((p) => inSlice(byKey.get(p)!, key)));

  // 1. Segment sizes (counts of raters), everyone included.
  for (const s of released) expect(s.raters).toBe(membersOf(s.key, raters).size);
  if (raters.length > 0) {
    attack(
      raters,
      [
        { people: new Set(raters), histogram: histogramOf(c.ratings) },
        ...released.map((s) => ({
          people: membersOf(s.key, raters),
          histogram: histogramOf(c.ratings.filter((r) => inSlice(byKey.get(r.raterKey)!, s.key))),
        })),
      ],
      k,
      "segments",
    );
  }

  // 2. Per theme: heatmap cells and the theme cards of segment views (the same numbers).
  const views = new Map(computed.segmentViews.map((v) => [v.key, v]));
  for (const theme of c.themes) {
    const ratingsOf = c.ratings.filter((r) => theme.thoughtIds.includes(r.thoughtId));
    const themeRaters = [...new Set(ratingsOf.map((r) => r.raterKey))];
    const cells: Released[] = [{ people: new Set(themeRaters), histogram: histogramOf(ratingsOf) }];
    for (const cell of head.heatmap ?? []) {
      if (cell.themeId !== theme.id) continue;
      const view = views.get(cell.segment);
      const card = view?.themes.find((t) => t.id === theme.id);
      // The heatmap and `?segment=` agree: a view shows a theme's numbers iff the cell is released.
      if (view) expect(card !== undefined).toBe(!cell.suppressed);
      if (cell.suppressed) {
        expect([cell.score, cell.raters]).toEqual([null, null]);
        continue;
      }
      const people = membersOf(cell.segment, themeRaters);
      expect(cell.raters).toBe(people.size);
      const cellRatings = ratingsOf.filter((r) => people.has(r.raterKey));
      if (card) expect(card.stats.histogram).toEqual(histogramOf(cellRatings));
      cells.push({ people, histogram: histogramOf(cellRatings) });
    }
    if (themeRaters.length > 0) attack(themeRaters, cells, k, `theme ${theme.id}`);
  }

  // 3. Per thought: the thought's overall numbers and its cells in segment views.
  for (const thoughtId of c.thoughtIds) {
    const ratingsOf = c.ratings.filter((r) => r.thoughtId === thoughtId);
    const thoughtRaters = ratingsOf.map((r) => r.raterKey);
    const cells: Released[] = [{ people: new Set(thoughtRaters), histogram: histogramOf(ratingsOf) }];
    for (const view of computed.segmentViews) {
      const shown = view.thoughts.find((t) => t.id === thoughtId);
      if (!shown) continue;
      const people = membersOf(view.key, thoughtRaters);
      const cellRatings = ratingsOf.filter((r) => people.has(r.raterKey));
      expect(shown.stats.histogram).toEqual(histogramOf(cellRatings));
      expect(shown.stats.count).toBeGreaterThanOrEqual(k);
      cells.push({ people, histogram: histogramOf(cellRatings) });
    }
    // The thought's standing across opinion groups: each group's raters and 4–5★ share.
    const standing = computed.ranked.find((t) => t.id === thoughtId)?.opinion;
    for (const g of standing?.groups ?? []) {
      const people = membersOf(`opinionGroup:${g.groupId}`, thoughtRaters);
      const cellRatings = ratingsOf.filter((r) => people.has(r.raterKey));
      expect(g.raters).toBe(people.size);
      expect(g.raters).toBeGreaterThanOrEqual(k);
      expect(g.share * g.raters).toBeCloseTo(cellRatings.filter((r) => r.stars >= 4).length, 9);
      cells.push({ people, histogram: histogramOf(cellRatings) });
    }
    if (thoughtRaters.length > 0) attack(thoughtRaters, cells, k, `thought ${thoughtId}`);
  }
  // Common ground and divisive lists carry exactly those numbers, nothing more.
  const section = head.opinionGroups;
  for (const listed of [...(section?.commonGround ?? []), ...(section?.divisive ?? [])]) {
    const { opinion } = computed.ranked.find((t) => t.id === listed.thoughtId)!;
    expect(opinion).toEqual({
      consensus: listed.consensus,
      division: listed.division,
      groups: listed.groups,
    });
  }
  if (section?.state === "shown") {
    for (const g of section.groups) expect(g.raters).toBe(membersOf(g.key, raters).size);
  } else {
    expect(section?.groups ?? []).toEqual([]);
    expect(computed.ranked.every((t) => t.opinion === undefined)).toBe(true);
  }

  // 4. Across levels: a theme's cell minus the segment's released thought cells of that theme.
  for (const view of computed.segmentViews) {
    for (const card of view.themes) {
      const theme = c.themes.find((t) => t.id === card.id)!;
      const shownIds = new Set(view.thoughts.map((t) => t.id));
      const rest = new Set(
        c.ratings
          .filter(
            (r) =>
              theme.thoughtIds.includes(r.thoughtId) &&
              !shownIds.has(r.thoughtId) &&
              inSlice(byKey.get(r.raterKey)!, view.key),
          )
          .map((r) => r.raterKey),
      );
      if (rest.size > 0 && rest.size < k) {
        throw new Error(`theme ${card.id} in ${view.key} minus its thoughts leaves ${rest.size} raters`);
      }
    }
  }

  // Text: a segment view (themes, quotes, ranking) only for segments released at k_text.
  for (const view of computed.segmentViews) {
    expect(membersOf(view.key, raters).size).toBeGreaterThanOrEqual(textK);
  }
}

describe("the release rule under attack", () => {
  for (const [k, textK] of [
    [5, 10],
    [10, 10],
  ] as const) {
    it(`never lets ±1 combinations of up to 4 released numbers describe 1..${k - 1} people (k = ${k})`, () => {
      fc.assert(
        fc.property(company, (c) => attackReport(c, report(c, k, textK), k, textK)),
        { numRuns: k === 5 ? 100 : 50 },
      );
    }, 240_000);
  }

  it("replays the issue's subtraction: London = everyone − the other locations, then Manager − London", () => {
    // 60 people, 7 departments, 5 locations, London = 3 managers; everyone rates everything.
    const departments = ["Eng", "Sales", "Ops", "People", "Finance", "Product", "Support"];
    const locations = ["Remote", "Berlin", "New York", "Lisbon"];
    const people: Person[] = Array.from({ length: 60 }, (_, i) => ({
      key: `p${i}`,
      attributes: {
        department: departments[i % 7]!,
        location: i < 3 ? "London" : locations[i % 4]!,
        level: i < 3 || i % 9 === 0 ? "Manager" : "IC",
      },
    }));
    const thoughtIds = ["t0", "t1", "t2", "t3", "t4", "t5"];
    const ratings = people.flatMap((p, i) =>
      thoughtIds.map((thoughtId, j) => ({
        thoughtId,
        raterKey: p.key,
        attributes: p.attributes,
        stars: 1 + ((i + j) % 5),
        day: "2026-05-04",
      })),
    );
    const themes = [
      { id: "a", title: "A", summary: "s", keyPhrases: [], thoughtIds: ["t0", "t1", "t2"] },
      { id: "b", title: "B", summary: "s", keyPhrases: [], thoughtIds: ["t3", "t4", "t5"] },
    ];
    const c: Company = { people, thoughtIds, ratings, themes };
    const computed = report(c, 5, 10);
    const segments = new Map((computed.head.segments ?? []).map((s) => [s.key, s]));
    expect(segments.get("location:London")?.released).toBe(false);
    // The locations released do not add up to everyone minus London.
    const releasedLocations = [...segments.values()].filter((s) => s.attribute === "location" && s.released);
    const covered = releasedLocations.reduce((sum, s) => sum + (s.raters ?? 0), 0);
    expect(60 - covered === 0 || 60 - covered >= 5).toBe(true);
    expect(60 - covered).not.toBe(3);
    attackReport(c, computed, 5, 10);
  });

  /**
   * Two camps of 30 with opposite views (even-numbered thoughts: camp A 4–5★, camp B 1–2★; odd
   * ones the reverse), on 20 thoughts, 14 each. `department` says who is in which department.
   */
  function camps(department: (i: number) => string): Company {
    const people: Person[] = Array.from({ length: 60 }, (_, i) => ({
      key: `p${i}`,
      attributes: { department: department(i) },
    }));
    const thoughtIds = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const ratings = people.flatMap((p, i) =>
      thoughtIds
        .filter((_, j) => (i + j) % 10 < 7)
        .map((thoughtId, j) => {
          const likes = i < 30 === (Number(thoughtId.slice(1)) % 2 === 0);
          return {
            thoughtId,
            raterKey: p.key,
            attributes: p.attributes,
            stars: likes ? 4 + ((i + j) % 2) : 1 + ((i * 7 + j) % 3 === 0 ? 2 : (i + j) % 2),
            day: "2026-05-04",
          };
        }),
    );
    const themes = [
      { id: "a", title: "A", summary: "s", keyPhrases: [], thoughtIds: thoughtIds.slice(0, 10) },
      { id: "b", title: "B", summary: "s", keyPhrases: [], thoughtIds: thoughtIds.slice(10) },
    ];
    return { people, thoughtIds, ratings, themes };
  }

  it("shows opinion groups, common ground and division, and every group number survives the attack", () => {
    const c = camps((i) => (i % 3 === 0 ? "Ops" : "Sales"));
    const computed = report(c, 5, 10);
    const section = computed.head.opinionGroups!;
    expect(section.state).toBe("shown");
    expect(section.groups.map((g) => g.raters)).toEqual([30, 30]);
    expect(section.divisive.length).toBeGreaterThan(0);
    expect(computed.ranked.filter((t) => t.opinion).length).toBeGreaterThan(10);
    attackReport(c, computed, 5, 10);
  });

  it("does not let an opinion group and a department differ by two people", () => {
    // Sales is camp A but two of its people: group A − Sales would be those two.
    const c = camps((i) => (i < 28 ? "Sales" : "Ops"));
    const computed = report(c, 5, 10);
    const released = new Set((computed.head.segments ?? []).filter((s) => s.released).map((s) => s.key));
    expect(opinionGroups(c.ratings, { minGroupSize: 10 }).groups).toHaveLength(2);
    expect(released.has("opinionGroup:A") && released.has("department:Sales")).toBe(false);
    attackReport(c, computed, 5, 10);
  });

  it("stops a difference that needs five slices: a division that is three departments plus two people", () => {
    const people: Person[] = [];
    const add = (n: number, attributes: Record<string, string>) => {
      for (let i = 0; i < n; i++) people.push({ key: `p${people.length}`, attributes });
    };
    add(8, { department: "D1", division: "North" });
    add(8, { department: "D2", division: "North" });
    add(8, { department: "D3", division: "North" });
    add(2, { department: "D4", division: "North" });
    add(10, { department: "D4", division: "South" });
    add(9, { department: "D5", division: "South" });
    const ratings = people.map((p, i) => ({
      thoughtId: "t0",
      raterKey: p.key,
      attributes: p.attributes,
      stars: 1 + (i % 5),
      day: "2026-05-04",
    }));
    const c: Company = {
      people,
      thoughtIds: ["t0"],
      ratings,
      themes: [{ id: "a", title: "A", summary: "s", keyPhrases: [], thoughtIds: ["t0"] }],
    };
    const released = new Set(
      (report(c, 5, 10).head.segments ?? []).filter((s) => s.released).map((s) => s.key),
    );
    // North − D1 − D2 − D3 is the two D4 people in North: one of these five must stay hidden.
    const attackSlices = ["division:North", "department:D1", "department:D2", "department:D3"];
    expect(attackSlices.every((key) => released.has(key))).toBe(false);
  });
});
