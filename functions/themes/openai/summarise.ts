import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletion } from "openai/resources/chat/completions";
import type { CallContext } from "./client.js";
import { type SentThought, themeMessages } from "./prompts.js";
import { backoffMs, describeError, withRetry } from "./retry.js";
import { type CheckedTheme, themeOutputSchema, type Verdict, validateThemeReply } from "./validate.js";

/**
 * One theme's title, summary, key phrases and quotes from the chat model, through structured outputs.
 * zodResponseFormat works with the installed zod v4 and gives the strict JSON schema; the reply is still
 * parsed and checked by validate.ts, because a compatible server may ignore the schema and a model may
 * fill a valid schema with invented ids or obeyed instructions.
 */
const responseFormat = zodResponseFormat(themeOutputSchema, "theme_summary");

export interface SummariseOptions {
  model: string;
  /** Answers checked per theme before giving up on the model for it. */
  maxAttempts: number;
  temperature?: number;
  question?: string;
}

export type ClusterSummary =
  | { ok: true; theme: CheckedTheme; attempts: number }
  | { ok: false; kind: "validation" | "transport"; reason: string; attempts: number };

/** Reasoning models reject a temperature; the rest get a low one for steady titles. */
function temperatureFor(model: string, temperature: number | undefined): { temperature?: number } {
  if (/^(o\d|gpt-5)/.test(model)) return {};
  return { temperature: temperature ?? 0.2 };
}

function requestCompletion(
  context: CallContext,
  sample: readonly SentThought[],
  options: SummariseOptions,
  rejection: string | undefined,
): Promise<ChatCompletion> {
  return context.limit(() =>
    withRetry(
      () =>
        context.client.chat.completions.create({
          model: options.model,
          messages: themeMessages(sample, options.question, rejection),
          response_format: responseFormat,
          stream: false,
          ...temperatureFor(options.model, options.temperature),
        }),
      context.retry,
      () => context.meter.countRequest(),
    ),
  );
}

/** Refusals and cut-off answers are rejected like invalid ones; everything else goes through the checks. */
function judge(completion: ChatCompletion, sample: readonly SentThought[]): Verdict<CheckedTheme> {
  const choice = completion.choices[0];
  if (choice?.message.refusal) return { ok: false, reason: "the model refused" };
  if (choice?.finish_reason === "length") return { ok: false, reason: "the answer was cut off" };
  return validateThemeReply(choice?.message.content, sample);
}

/**
 * Asks up to `maxAttempts` times, pausing with backoff between answers and telling the model why the
 * last one was rejected. Transport failures were already retried by withRetry; they end the attempts.
 */
export async function summariseCluster(
  context: CallContext,
  sample: readonly SentThought[],
  options: SummariseOptions,
): Promise<ClusterSummary> {
  let rejection: string | undefined;
  let attempts = 0;
  while (attempts < options.maxAttempts) {
    if (attempts > 0) await context.retry.sleep(backoffMs(attempts - 1, context.retry));
    attempts++;
    let completion: ChatCompletion;
    try {
      completion = await requestCompletion(context, sample, options, rejection);
    } catch (error) {
      return { ok: false, kind: "transport", reason: describeError(error), attempts };
    }
    context.meter.addChat(options.model, completion.usage);
    const verdict = judge(completion, sample);
    if (verdict.ok) return { ok: true, theme: verdict.value, attempts };
    rejection = verdict.reason;
  }
  return { ok: false, kind: "validation", reason: rejection ?? "no answer", attempts };
}
