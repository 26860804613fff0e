import { starterDirectory } from "../../functions/local/starter-directory.js";
import { apiClient } from "../helpers/browser.js";

/**
 * Seeds a closed conversation through the API, as people would fill it: natural thoughts (no
 * `[topic]` tags: the real offline theme engine groups them) from most of the starter directory,
 * and ratings from everyone, leaning by topic so themes and groups differ.
 */

export const facilitator = "facilitator@example.com";
export const leader = "leader@example.com";

/** Seven topics, six thoughts each, written the way people write them. */
export const seedThoughts: Record<string, string[]> = {
  onboarding: [
    "New hires wait weeks for laptops and accounts; onboarding should have everything ready on day one.",
    "Our onboarding documentation is out of date, so new people ask the same questions again and again.",
    "Give every new hire an onboarding buddy for the first month so they learn how things really work.",
    "Onboarding differs so much between teams that new hires get a very uneven start.",
    "A short onboarding course on our products and customers would help new hires contribute sooner.",
    "Onboarding checklists get lost; one shared checklist per role would make the first weeks smoother.",
  ],
  pricing: [
    "Our pricing is too complicated for customers to understand without a call with sales.",
    "Competitors undercut our pricing for small customers; we need a cheaper entry plan.",
    "Pricing changes reach customers before support knows about them, which creates angry tickets.",
    "We should publish clear pricing on the website instead of asking people to request a quote.",
    "Annual pricing discounts are inconsistent between regions and customers notice it.",
    "Usage-based pricing would fit how our larger customers actually use the product.",
  ],
  remote: [
    "Remote colleagues miss decisions made in hallway conversations at the office.",
    "Meetings should default to video links so remote people can join on equal terms.",
    "A travel budget to meet the remote team in person twice a year would build trust.",
    "Time zones make remote collaboration hard; write decisions down instead of deciding in calls.",
    "The office is half empty most days; flexible remote work should be the official policy.",
    "Remote employees need better home office equipment, especially chairs and monitors.",
  ],
  tooling: [
    "Our build pipeline takes forty minutes; faster builds would save every engineer hours a week.",
    "Too many internal tools do the same job; pick one ticket tracker and retire the rest.",
    "Flaky tests in the build pipeline block releases for a day at a time.",
    "Engineers need permission to fix internal tools instead of working around them.",
    "Release automation would remove the manual steps that break every other deployment.",
    "Monitoring and alerting tools page the wrong team at night; route alerts to the owners.",
  ],
  customers: [
    "Customer feedback from support rarely reaches the product teams who could fix the problems.",
    "We should visit customers more often to see how they really use the product.",
    "Customer churn starts with slow answers from support; faster replies would keep customers.",
    "Share customer interviews with the whole company so everyone hears the customer's voice.",
    "Our biggest customers want a named contact who knows their account and their history.",
    "Customer success and sales should agree on one view of each customer's health.",
  ],
  growth: [
    "Career paths are unclear; publish what each level means and how promotions are decided.",
    "Promotions seem to depend on who you know rather than on clear criteria.",
    "A training budget for every employee would show we care about people growing their careers.",
    "Managers need training in giving feedback so career conversations happen more than once a year.",
    "Let people move between teams to grow their careers instead of leaving the company.",
    "Mentoring across departments would help people see career options beyond their own team.",
  ],
  focus: [
    "We start too many projects at once; fewer priorities would let teams finish what matters.",
    "Leadership should explain which priorities come first when two goals conflict.",
    "Every quarter brings new priorities before the old ones are done, which wears teams out.",
    "Say no to more projects so teams can focus on the few priorities that move the company.",
    "Clear priorities from leadership would stop teams competing for the same people.",
    "Write down the top three company priorities and check every new project against them.",
  ],
};

/** Topics each department rates higher than others (so the heatmap has differences). */
const leanings: Record<string, string> = {
  Engineering: "tooling",
  Sales: "pricing",
  "Customer Success": "customers",
  Product: "focus",
  Marketing: "customers",
};

const topicOf = new Map<string, string>(
  Object.entries(seedThoughts).flatMap(([topic, list]) =>
    list.map((text) => [text, topic] as [string, string]),
  ),
);

/** Base stars per topic, shared by everyone: some topics matter more to most people. */
const baseStars: Record<string, number> = {
  focus: 4,
  growth: 4,
  onboarding: 3,
  customers: 4,
  tooling: 3,
  remote: 3,
  pricing: 3,
};

export interface Seeded {
  readonly id: string;
  readonly title: string;
  readonly thoughts: number;
  readonly ratings: number;
  /** How long each phase took, to keep an eye on the test's time budget. */
  readonly ms: { share: number; rate: number; close: number };
}

/**
 * A conversation shared, rated and closed. Closing starts the theme run; the caller waits for it
 * in the browser. Returns once the conversation is closed.
 */
export async function seedClosedConversation(
  baseUrl: string,
  options: {
    title?: string;
    ratingsPerPerson?: number;
    parallel?: number;
    thoughtsPerTopic?: number;
    /** People who take no part (so a group can have fewer than k participants and raters). */
    absent?: readonly string[];
  } = {},
): Promise<Seeded> {
  const api = apiClient(baseUrl);
  const t0 = performance.now();
  const title = options.title ?? "FY2027 strategy input";
  const created = await api.expectStatus(201, "POST", "/api/conversations", {
    as: facilitator,
    body: { template: "strategy-input", title },
    idempotent: true,
  });
  const id: string = created.body.id;
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "sharing" },
  });

  const present = (email: string) => !options.absent?.includes(email);
  const people = starterDirectory.map((p) => p.email).filter(present);
  const employees = starterDirectory
    .filter((p) => p.role === "employee")
    .map((p) => p.email)
    .filter(present);
  const all = Object.values(seedThoughts).flatMap((list) => list.slice(0, options.thoughtsPerTopic ?? 6));
  // Round-robin over employees: everyone shares one or two thoughts.
  await Promise.all(
    employees.map(async (email, e) => {
      for (let i = e; i < all.length; i += employees.length) {
        await api.expectStatus(201, "POST", `/api/conversations/${id}/thoughts`, {
          as: email,
          body: { text: all[i] },
          idempotent: true,
        });
      }
    }),
  );
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "rating" },
  });
  const t1 = performance.now();

  const departmentOf = new Map(starterDirectory.map((p) => [p.email, p.attributes.department ?? ""]));
  const perPerson = options.ratingsPerPerson ?? 16;
  let ratings = 0;
  // A few raters at a time: DynamoDB Local shares two cores with the browser.
  const parallel = options.parallel ?? 6;
  for (let start = 0; start < people.length; start += parallel) {
    await Promise.all(
      people.slice(start, start + parallel).map(async (email, offset) => {
        const r = start + offset;
        const batch = await api.expectStatus(
          200,
          "GET",
          `/api/conversations/${id}/rating-batch?size=${perPerson}`,
          {
            as: email,
          },
        );
        for (const [j, thought] of (batch.body.thoughts as { id: string; text: string }[]).entries()) {
          const topic = topicOf.get(thought.text) ?? "focus";
          const lean = leanings[departmentOf.get(email) ?? ""] === topic ? 1 : 0;
          const noise = ((r * 7 + j * 3) % 5) - 2; // -2..2, deterministic
          const stars = Math.max(
            1,
            Math.min(5, (baseStars[topic] ?? 3) + lean + (noise > 1 ? 1 : noise < -1 ? -1 : 0)),
          );
          await api.expectStatus(200, "PUT", `/api/conversations/${id}/ratings/${thought.id}`, {
            as: email,
            body: { stars },
          });
          ratings++;
        }
      }),
    );
  }
  const t2 = performance.now();
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "closed" },
  });
  const ms = { share: t1 - t0, rate: t2 - t1, close: performance.now() - t2 };
  return { id, title, thoughts: all.length, ratings, ms: mapValues(ms, Math.round) };
}

const mapValues = <T extends Record<string, number>>(o: T, f: (x: number) => number) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) as T;
