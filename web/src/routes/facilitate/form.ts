import { defaultModeration, type NumericSetting, settingFields } from "$lib/conversations";
import type { Audience, ConversationView, Schedule, Settings } from "$lib/types";

export interface FormValues {
  title: string;
  prompt: string;
  context: string;
  audienceKind: "everyone" | "segments";
  /** Chosen values per attribute, picked from the directory's values. */
  segments: Record<string, string[]>;
  scheduled: boolean;
  schedule: { sharingAt: string; ratingAt: string; closingAt: string; publishingAt: string };
  settings: Record<NumericSetting, number>;
  moderation: Settings["moderation"];
}

/** What the API takes, from the form. */
export interface ConversationInput {
  title: string;
  prompt: string;
  context: string;
  audience: Audience;
  schedule: Schedule | null;
  settings: Pick<Settings, NumericSetting | "moderation">;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO instant as the value of a datetime-local input (local time, minutes). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) as an ISO instant. */
export function fromLocalInput(value: string): string {
  return new Date(value).toISOString();
}

export function emptyValues(): FormValues {
  return {
    title: "",
    prompt: "",
    context: "",
    audienceKind: "everyone",
    segments: {},
    scheduled: false,
    schedule: { sharingAt: "", ratingAt: "", closingAt: "", publishingAt: "" },
    settings: Object.fromEntries(Object.entries(settingFields).map(([k, f]) => [k, f.default])) as Record<
      NumericSetting,
      number
    >,
    moderation: defaultModeration,
  };
}

export function valuesOf(c: ConversationView): FormValues {
  const segments = c.audience.kind === "segments" ? c.audience.segments : {};
  return {
    title: c.title,
    prompt: c.prompt,
    context: c.context,
    audienceKind: c.audience.kind,
    segments: Object.fromEntries(Object.entries(segments).map(([k, v]) => [k, [...v]])),
    scheduled: c.schedule !== null,
    schedule: {
      sharingAt: toLocalInput(c.schedule?.sharingAt),
      ratingAt: toLocalInput(c.schedule?.ratingAt),
      closingAt: toLocalInput(c.schedule?.closingAt),
      publishingAt: toLocalInput(c.schedule?.publishingAt),
    },
    settings: Object.fromEntries(
      Object.keys(settingFields).map((k) => [k, c.settings[k as NumericSetting]]),
    ) as Record<NumericSetting, number>,
    moderation: c.settings.moderation,
  };
}

export interface LocalIssue {
  path: string;
  message: string;
}

/** Turns the form into API input, or lists what must be fixed first (things the browser can tell). */
export function toInput(
  v: FormValues,
): { input: ConversationInput; issues: [] } | { input: null; issues: LocalIssue[] } {
  const issues: LocalIssue[] = [];
  let audience: Audience = { kind: "everyone" };
  if (v.audienceKind === "segments") {
    const picked = audienceOf(v);
    audience = picked;
    if (Object.keys(picked.segments).length === 0) {
      issues.push({ path: "audience", message: "choose at least one group, or invite everyone" });
    }
  }
  let schedule: Schedule | null = null;
  if (v.scheduled) {
    for (const key of ["sharingAt", "ratingAt", "closingAt"] as const) {
      if (!v.schedule[key]) issues.push({ path: `schedule.${key}`, message: "pick a date and time" });
    }
    if (issues.length === 0) {
      schedule = {
        sharingAt: fromLocalInput(v.schedule.sharingAt),
        ratingAt: fromLocalInput(v.schedule.ratingAt),
        closingAt: fromLocalInput(v.schedule.closingAt),
        ...(v.schedule.publishingAt && { publishingAt: fromLocalInput(v.schedule.publishingAt) }),
      };
    }
  }
  for (const [key, field] of Object.entries(settingFields)) {
    const n = v.settings[key as NumericSetting];
    if (!Number.isInteger(n) || n < field.min || n > field.max) {
      issues.push({ path: `settings.${key}`, message: `a whole number from ${field.min} to ${field.max}` });
    }
  }
  if (issues.length > 0) return { input: null, issues };
  return {
    input: {
      title: v.title.trim(),
      prompt: v.prompt.trim(),
      context: v.context,
      audience,
      schedule,
      settings: { ...v.settings, moderation: v.moderation },
    },
    issues: [],
  };
}

/** The audience the form describes: attributes with no value ticked are left out. */
export function audienceOf(v: FormValues): Audience & { kind: "segments" } {
  return {
    kind: "segments",
    segments: Object.fromEntries(Object.entries(v.segments).filter(([, values]) => values.length > 0)),
  };
}
