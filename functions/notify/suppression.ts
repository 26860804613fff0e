import * as z from "zod/mini";
import type { Logger } from "../lib/logger.js";
import type { Counters } from "../lib/metrics.js";

/** An SNS event as Lambda receives it from a subscription (the shape of @types/aws-lambda's SNSEvent). */
export interface SnsEvent {
  readonly Records: readonly {
    readonly EventSource: "aws:sns";
    readonly EventSubscriptionArn: string;
    readonly Sns: { readonly MessageId: string; readonly Message: string; readonly TopicArn: string };
  }[];
}

export type SuppressionReason = "BOUNCE" | "COMPLAINT";

const recipients = z
  .array(z.object({ emailAddress: z.string().check(z.minLength(3), z.maxLength(320)) }))
  .check(z.maxLength(50));
/** What SES publishes for its configuration set's BOUNCE, COMPLAINT and REJECT events. */
const sesEvent = z.object({
  // Event publishing says eventType; the older identity notifications say notificationType.
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  bounce: z.optional(z.object({ bounceType: z.string(), bouncedRecipients: recipients })),
  complaint: z.optional(z.object({ complainedRecipients: recipients })),
});

/** Which addresses to suppress, and why. Transient bounces (full mailbox, out of office) are not. */
export function addressesToSuppress(message: unknown): { address: string; reason: SuppressionReason }[] {
  const parsed = sesEvent.safeParse(message);
  if (!parsed.success) return [];
  const { bounce, complaint } = parsed.data;
  const type = parsed.data.eventType ?? parsed.data.notificationType;
  if (type === "Bounce" && bounce?.bounceType === "Permanent")
    return bounce.bouncedRecipients.map((r) => ({ address: r.emailAddress, reason: "BOUNCE" }));
  if (type === "Complaint" && complaint)
    return complaint.complainedRecipients.map((r) => ({ address: r.emailAddress, reason: "COMPLAINT" }));
  return [];
}

export interface SuppressionOptions {
  /** Puts an address on the account's suppression list (SESv2 PutSuppressedDestination). */
  readonly suppress: (address: string, reason: SuppressionReason) => Promise<void>;
  readonly logger: Logger;
  readonly counters: Counters;
}

/**
 * SES bounce and complaint events from SNS: permanent bounces and complaints go on the account's
 * suppression list, so no later notice is sent to them from any configuration set. A failure
 * throws, so Lambda retries the event and then sends it to the subscription's DLQ.
 * Logs and metrics carry counts and event types, never the address.
 */
export function createSuppressionHandler(options: SuppressionOptions) {
  return async (event: SnsEvent): Promise<{ suppressed: number }> => {
    let suppressed = 0;
    for (const record of event.Records) {
      let message: unknown;
      try {
        message = JSON.parse(record.Sns.Message);
      } catch {
        options.logger.warn("ignored a mail event that is not JSON", { messageId: record.Sns.MessageId });
        continue;
      }
      const targets = addressesToSuppress(message);
      for (const { address, reason } of targets) {
        await options.suppress(address, reason);
        options.counters.count(reason === "BOUNCE" ? "MailBounced" : "MailComplained");
        suppressed++;
      }
      if (targets.length === 0) options.counters.count("MailEventIgnored");
    }
    if (suppressed > 0) options.logger.info("mail addresses suppressed", { suppressed });
    options.counters.flush();
    return { suppressed };
  };
}
