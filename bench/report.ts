/**
 * The report at scale (DESIGN §8): 10,000 thoughts and 250,000 ratings, parsed from stored items,
 * offline themes included, must compute within 15 s and 1.5 GB on 2 cores. Run alone (`tsx bench/report.ts`) or from
 * `npm run bench`, which runs it in a fresh process so peak memory is its own.
 */
import { assignmentItem } from "../functions/db/items/ratings.js";
import type { Histogram } from "../functions/domain/statistics.js";
import { createRng } from "../functions/lib/random.js";
import { computeReport } from "../functions/report/compute.js";
import type { RatingRecord } from "../functions/repositories/ratings.js";
import { offlineThemeEngine } from "../functions/themes/select.js";

const thoughtCount = Number(process.env.BENCH_THOUGHTS ?? 10_000);
const ratingCount = Number(process.env.BENCH_RATINGS ?? 250_000);

const topics: Record<string, string[]> = {
  onboarding: ["onboarding", "new hires", "first weeks", "mentors", "documentation", "ramp up"],
  pricing: ["pricing", "discounts", "competitors", "margins", "price increase", "value"],
  tooling: ["internal tools", "build times", "tech debt", "deployments", "flaky tests", "laptops"],
  meetings: ["meetings", "calendar", "focus time", "status updates", "async", "decisions"],
  customers: ["customers", "support tickets", "churn", "feedback", "response times", "renewals"],
  career: ["career growth", "promotions", "pay", "training", "feedback", "managers"],
  stores: ["store staffing", "opening hours", "inventory", "shelves", "store managers", "weekends"],
  sustainability: ["packaging", "recycling", "emissions", "suppliers", "sustainability", "returns"],
  hybrid: ["remote work", "office days", "hybrid", "commute", "collaboration", "travel"],
  data: ["data quality", "dashboards", "personalisation", "analytics", "reporting", "privacy"],
};
const verbs = [
  "we should fix",
  "please invest in",
  "it is time to rethink",
  "we keep struggling with",
  "leadership should prioritise",
  "let's simplify",
];
const departments = [
  "Engineering",
  "Sales",
  "Marketing",
  "Operations",
  "Finance",
  "People",
  "Support",
  "Product",
];
const locations = ["Berlin", "London", "New York", "Remote"];
const tenures = ["under 1 year", "1-3 years", "3-5 years", "5+ years"];

export function syntheticConversation(random: () => number) {
  const names = Object.keys(topics);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const thoughts = Array.from({ length: thoughtCount }, (_, i) => {
    const topic = pick(names);
    const words = topics[topic]!;
    const text = `${pick(verbs)} ${pick(words)} and ${pick(words)}; ${pick(words)} matters for ${pick(words)} (${i}).`;
    return {
      id: `t${i}`,
      text,
      createdDay: `2026-11-${String(10 + (i % 10)).padStart(2, "0")}`,
      quality: random() * 4 + 1,
    };
  });
  const raterCount = Math.ceil(ratingCount / 25);
  const raters = Array.from({ length: raterCount }, (_, i) => ({
    key: `r${i}`,
    attributes: { department: pick(departments), location: pick(locations), tenureBand: pick(tenures) },
    bias: (random() - 0.5) * 0.8,
  }));
  const ratings: RatingRecord[] = [];
  const histograms = new Map(thoughts.map((t) => [t.id, [0, 0, 0, 0, 0]]));
  for (let i = 0; i < ratingCount; i++) {
    const rater = raters[i % raterCount]!;
    const thought = thoughts[Math.floor(random() * thoughts.length)]!;
    const stars = Math.min(5, Math.max(1, Math.round(thought.quality + rater.bias + (random() - 0.5) * 2)));
    ratings.push({
      thoughtId: thought.id,
      raterKey: rater.key,
      attributes: rater.attributes,
      stars,
      day: thought.createdDay,
    });
    histograms.get(thought.id)![stars - 1]!++;
  }
  return {
    thoughts: thoughts.map((t) => ({ ...t, histogram: histograms.get(t.id) as unknown as Histogram })),
    ratings,
    raterCount,
  };
}

/** A page of ratings as DynamoDB hands them to the report job: stored assignment items, keys included. */
function storedPage(ratings: readonly RatingRecord[]) {
  return ratings.map((r) =>
    assignmentItem.toItem({
      conversationId: "bench",
      thoughtId: r.thoughtId,
      raterKey: r.raterKey,
      attributes: r.attributes,
      status: "rated",
      stars: r.stars,
      assignedDay: r.day,
      ratedDay: r.day,
    }),
  );
}

export async function benchReport() {
  const data = syntheticConversation(createRng(42).next);
  // What allRatings does per item, page by page: parse through the declaration. Only the parsing
  // is timed (building the stored items stands in for DynamoDB), and it counts in the total.
  const ratings: RatingRecord[] = [];
  let parseMs = 0;
  for (let i = 0; i < data.ratings.length; i += 1000) {
    const page = storedPage(data.ratings.slice(i, i + 1000));
    const from = performance.now();
    for (const raw of page) {
      const a = assignmentItem.parseOrSkip(raw);
      if (a?.stars === undefined) continue;
      ratings.push({
        thoughtId: a.thoughtId,
        raterKey: a.raterKey,
        attributes: a.attributes,
        stars: a.stars,
        day: a.ratedDay ?? a.assignedDay,
      });
    }
    parseMs += performance.now() - from;
  }
  const started = performance.now() - parseMs;
  const parsed = performance.now();
  const themes = await offlineThemeEngine.computeThemes(
    data.thoughts.map((t) => ({ id: t.id, text: t.text })),
    {},
  );
  const themed = performance.now();
  const report = computeReport({
    conversation: { id: "bench", title: "Bench", prompt: "?", state: "closed", anonymityThreshold: 5 },
    counts: {
      invited: data.raterCount,
      participants: data.raterCount,
      thoughts: data.thoughts.length,
      ratings: data.ratings.length,
      skips: 0,
    },
    thoughts: data.thoughts,
    ratings,
    themes,
    version: 1,
    generatedAt: new Date().toISOString(),
  });
  const done = performance.now();
  return {
    thoughts: data.thoughts.length,
    ratings: data.ratings.length,
    themes: report.head.themes.length,
    segments: report.segmentViews.length,
    "parse s": Number(((parsed - started) / 1000).toFixed(2)),
    "themes s": Number(((themed - parsed) / 1000).toFixed(2)),
    "report s": Number(((done - themed) / 1000).toFixed(2)),
    "total s": Number(((done - started) / 1000).toFixed(2)),
    "peak RSS MB": Math.round(process.resourceUsage().maxRSS / 1024),
    "within 15 s and 1.5 GB":
      (done - started) / 1000 <= 15 && process.resourceUsage().maxRSS / 1024 <= 1536 ? "yes" : "NO",
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchReport();
  if (process.argv.includes("--json")) console.log(JSON.stringify(result));
  else console.table([result]);
}
