import { createRng } from "../lib/random.js";

/**
 * A labelled corpus of strategy-conversation thoughts with clearly separated topics, for tests and the
 * performance benchmark. Each thought mixes two or three phrases of its topic with wording shared by all
 * topics, so topic words must be found among common ones.
 */
export const SYNTHETIC_TOPICS: Record<string, string[]> = {
  remote: [
    "remote work",
    "hybrid schedule",
    "office days",
    "commute",
    "flexible hours",
    "home office",
    "video calls",
    "desk booking",
  ],
  onboarding: [
    "customer onboarding",
    "setup wizard",
    "activation rate",
    "tutorials",
    "first week",
    "support tickets",
    "churn",
    "welcome emails",
  ],
  pricing: [
    "pricing",
    "discounts",
    "price increase",
    "enterprise plan",
    "billing",
    "contracts",
    "margins",
    "renewals",
  ],
  hiring: [
    "hiring",
    "recruiting",
    "interviews",
    "salaries",
    "retention",
    "career growth",
    "promotions",
    "referrals",
  ],
  platform: [
    "technical debt",
    "legacy code",
    "deployments",
    "outages",
    "automated testing",
    "infrastructure",
    "cloud migration",
    "monitoring",
  ],
  communication: [
    "leadership",
    "transparency",
    "all-hands",
    "decision making",
    "roadmap",
    "priorities",
    "town halls",
    "alignment",
  ],
  ai: [
    "AI tools",
    "automation",
    "machine learning",
    "copilots",
    "data quality",
    "models",
    "experiments",
    "chatbots",
  ],
  sustainability: [
    "carbon",
    "sustainability",
    "energy use",
    "business travel",
    "emissions",
    "suppliers",
    "recycling",
    "solar panels",
  ],
};

// Mostly stop words around the topic phrases, plus one word from a shared pool, so no template or filler
// word is as frequent as a topic's own vocabulary.
const TEMPLATES = [
  "We should {g} {a} and {b}.",
  "{A} is {g} us, and so is {b}.",
  "The most {g} thing for next year is {a}, especially {b} and {c}.",
  "Please {g} {a} before anything else; {b} depends on it.",
  "Our {a} is not where it should be and {b} shows it.",
  "If we get {a} right, {b} and {c} will {g}.",
  "Nobody owns {a}. Someone should, and {b} as well.",
  "I would {g} {a} and {b} this year.",
  "{A}, {b}, {c}: we {g} them.",
  "Can we talk about {a}? {B} too.",
  "{A} and {b} are where we {g}.",
  "More {a}, less {b} would {g}.",
];
const SHARED =
  `improve|fix|rethink|prioritise|measure|simplify|fund|discuss|review|change|focus on|invest in|care about
|struggle with|win|lose|grow|learn|ship|plan|critical|urgent|important|overlooked|underrated|painful|slow|hard|unclear
|missing`
    .split("|")
    .map((word) => word.trim());

export interface SyntheticThought {
  id: string;
  text: string;
  topic: string;
}

/** `count` thoughts over the first `topics` topics, uneven topic sizes, deterministic for a seed. */
export function syntheticThoughts(count: number, topics = 6, seed = 1): SyntheticThought[] {
  const rng = createRng(seed);
  const names = Object.keys(SYNTHETIC_TOPICS).slice(0, topics);
  // Uneven sizes: topic i gets weight 1 + i/2, so the largest is a few times the smallest.
  const weights = names.map((_, i) => 1 + i / 2);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: count }, (_, index) => {
    let pick = rng.next() * totalWeight;
    let topicIndex = 0;
    while (pick >= weights[topicIndex]! && topicIndex < names.length - 1) pick -= weights[topicIndex++]!;
    const topic = names[topicIndex]!;
    const phrases = SYNTHETIC_TOPICS[topic]!;
    const chosen = [0, 1, 2].map(() => phrases[rng.int(phrases.length)]!);
    const template = TEMPLATES[rng.int(TEMPLATES.length)]!;
    const capitalize = (phrase: string) => phrase.charAt(0).toUpperCase() + phrase.slice(1);
    const text = template
      .replace("{g}", SHARED[rng.int(SHARED.length)]!)
      .replace("{A}", capitalize(chosen[0]!))
      .replace("{B}", capitalize(chosen[1]!))
      .replace("{a}", chosen[0]!)
      .replace("{b}", chosen[1]!)
      .replace("{c}", chosen[2]!);
    return { id: `t${String(index + 1).padStart(5, "0")}`, text, topic };
  });
}
