import { acceptsRatings, conversationStates } from "$domain/lifecycle";
import { settingLimits } from "$domain/limits";
import type { ConversationState, ConversationView, Settings } from "./types";

/** Lifecycle states in plain words. */
export const stateLabels: Record<ConversationState, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  sharing: "Sharing thoughts",
  rating: "Rating",
  closed: "Closed",
  published: "Results published",
  archived: "Archived",
};

/** One line on what each state means for participants. */
export const stateExplanations: Record<ConversationState, string> = {
  draft: "Only facilitators can see it while it is being prepared.",
  scheduled: "It opens for sharing at its scheduled time.",
  sharing: "Everyone invited can share thoughts and rate other people's thoughts.",
  rating: "Sharing has ended; everyone invited can still rate thoughts.",
  closed: "No more input. Leadership is reviewing the results.",
  published: "The results and leadership's responses are published.",
  archived: "This conversation is archived.",
};

/** The button that moves a conversation into each state. */
export const transitionLabels: Record<ConversationState, string> = {
  draft: "Back to draft",
  scheduled: "Schedule",
  sharing: "Open for sharing",
  rating: "Move to rating",
  closed: "Close",
  published: "Publish results",
  archived: "Archive",
};

/** Moves that cannot be undone ask for confirmation first. */
export const irreversible = (to: ConversationState) => to !== "draft" && to !== "scheduled";

export const confirmations: Partial<Record<ConversationState, string>> = {
  sharing: "Everyone invited can see it and share thoughts. Audience, schedule and settings are then fixed.",
  rating: "Nobody can share new thoughts after this; rating stays open.",
  closed: "Nobody can share or rate after this. The results are computed for leadership.",
  published: "Everyone invited will see the results and leadership's responses.",
  archived: "The conversation is put away. Nobody can change it afterwards.",
};

/** The lifecycle shown as a stepper (archived is off the main path). */
export const lifecycleSteps: readonly ConversationState[] = conversationStates.filter(
  (s) => s !== "archived",
);

/** Open: people can still take part — while sharing and while rating (domain/lifecycle.ts). */
export const isOpen = acceptsRatings;

export interface Ask {
  readonly text: string;
  readonly done: boolean;
}

/** What is asked of the signed-in person in a conversation, in plain words. */
export function askOf(c: Pick<ConversationView, "state" | "me">): Ask {
  const left = Math.max(0, c.me.ratingTarget - c.me.rated);
  const rateMore = `Rate ${left} more ${left === 1 ? "thought" : "thoughts"}`;
  switch (c.state) {
    case "sharing":
      if (c.me.thoughts === 0) return { text: "Share your thoughts", done: false };
      return left > 0 ? { text: rateMore, done: false } : { text: "Thanks — you are done", done: true };
    case "rating":
      return left > 0 ? { text: rateMore, done: false } : { text: "Thanks — you are done", done: true };
    case "closed":
      return { text: c.me.joined ? "Closed — thank you for taking part" : "Closed", done: true };
    case "published":
      return { text: "The results are published", done: true };
    case "archived":
      return { text: "Archived", done: true };
    default:
      return { text: "Not open yet", done: false };
  }
}

export function describeAudience(audience: ConversationView["audience"]): string {
  if (audience.kind === "everyone") return "Everyone";
  return Object.entries(audience.segments)
    .map(([name, values]) => `${attributeLabel(name)}: ${values.join(", ")}`)
    .join("; ");
}

const attributeLabels: Record<string, string> = {
  department: "Department",
  location: "Location",
  tenureBand: "Tenure",
  level: "Level",
  opinionGroup: "Opinion group",
};

export function attributeLabel(name: string): string {
  return (
    attributeLabels[name] ?? name.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase())
  );
}

/** The settings a facilitator sees, with the API's limits and defaults (functions/domain/limits.ts). */
export const settingFields = {
  thoughtMaxLength: {
    label: "Thought length",
    hint: "Most characters in one thought.",
    ...settingLimits.thoughtMaxLength,
  },
  maxThoughtsPerPerson: {
    label: "Thoughts per person",
    hint: "Most thoughts one person can share.",
    ...settingLimits.maxThoughtsPerPerson,
  },
  ratingTarget: {
    label: "Rating target",
    hint: "Ratings asked of each person.",
    ...settingLimits.ratingTarget,
  },
  anonymityThreshold: {
    label: "Anonymity threshold",
    hint: "Fewest people in a group that numbers are shown for.",
    ...settingLimits.anonymityThreshold,
  },
  textAnonymityThreshold: {
    label: "Anonymity threshold for text",
    hint: "Fewest people in a group that themes and quotes are shown for.",
    ...settingLimits.textAnonymityThreshold,
  },
} as const satisfies Partial<
  Record<keyof Settings, { label: string; hint: string; min: number; max: number; default: number }>
>;

export type NumericSetting = keyof typeof settingFields;
export const defaultModeration: Settings["moderation"] = "post";

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A day ("2026-05-04", as thoughts carry it) or an instant, shown as a local date. */
export function formatDay(value: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(value);
  return dayFormat.format(date);
}
export const formatDateTime = (iso: string) => dateTimeFormat.format(new Date(iso));
