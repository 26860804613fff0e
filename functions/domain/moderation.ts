/**
 * The moderation queue's rules shared by the API and the web app (no zod here, so the web bundle
 * stays small): why a thought is in the queue, in plain words, and how much one bulk request may
 * decide.
 *
 * What a queue entry records is only what the text and the conversation's settings say — which
 * check caught it, never who wrote it or when (docs/anonymity.md "Moderation").
 */

/** Why screening held a thought (screen.ts ReviewReason) or why the conversation holds all. */
export const holdReasons = ["name", "directory", "language", "model", "pre-moderation"] as const;
export type HoldReason = (typeof holdReasons)[number];

/** Kept beside a hold reason: contact details were removed from the text before it was stored. */
export const contactsRemovedNote = "contacts-removed";

/** Rater flags (db/items/moderation.ts flagReasons) and hold reasons, as a moderator reads them. */
export const queueReasonLabels: Record<string, { label: string; detail: string }> = {
  name: {
    label: "May name someone",
    detail: "The automatic check found what looks like a person's name.",
  },
  directory: {
    label: "Names someone in the directory",
    detail: "It mentions a person in the company directory by name.",
  },
  language: {
    label: "Hurtful words",
    detail: "It uses words from the list of abusive language.",
  },
  model: {
    label: "Flagged by the content check",
    detail: "The content moderation service flagged it.",
  },
  "pre-moderation": {
    label: "Review first",
    detail: "This conversation holds every new thought until a moderator approves it.",
  },
  [contactsRemovedNote]: {
    label: "Contact details removed",
    detail: "An email address or phone number was taken out before it was saved.",
  },
  "names-someone": { label: "Flagged: names someone", detail: "A rater flagged it as naming someone." },
  "contact-details": {
    label: "Flagged: contact details",
    detail: "A rater flagged it as giving contact details.",
  },
  offensive: { label: "Flagged: offensive", detail: "A rater flagged it as offensive." },
  "off-topic": { label: "Flagged: off topic", detail: "A rater thinks it is not about the question." },
  other: { label: "Flagged: other", detail: "A rater flagged it for another reason." },
  // Entries written before the reasons were named.
  screening: { label: "Caught by the automatic check", detail: "An earlier version of the check held it." },
};

export const queueReasonLabel = (reason: string) => queueReasonLabels[reason]?.label ?? reason;

/** One bulk request decides at most this many thoughts, each in its own transaction. */
export const maxBulkDecisions = 50;

/** What one thought of a bulk decision came to. */
export type BulkOutcome =
  /** Decided now. */
  | "done"
  /** It was already as asked (a repeated request, or another moderator did the same): nothing changed. */
  | "unchanged"
  /** Another moderator decided it differently meanwhile: nothing changed. */
  | "conflict"
  /** No thought in this conversation's queue has this id. */
  | "not-found";

/**
 * What a held thought's queue entry records: screening's reasons, "pre-moderation" when the
 * conversation holds every thought, and a note when contact details were removed. All of it
 * follows from the text and the settings alone.
 */
export function queueReasons(
  moderation: "pre" | "post",
  screened: { readonly reviewReasons: readonly string[]; readonly warnings: readonly string[] },
): string[] {
  return [
    ...screened.reviewReasons,
    ...(moderation === "pre" ? ["pre-moderation"] : []),
    ...(screened.warnings.some((w) => w === "email" || w === "phone") ? [contactsRemovedNote] : []),
  ];
}
