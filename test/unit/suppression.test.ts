import { describe, expect, it } from "vitest";
import { memoryLogger } from "../../functions/lib/logger.js";
import { memoryCounters } from "../../functions/lib/metrics.js";
import { createSuppressionHandler, type SuppressionReason } from "../../functions/notify/suppression.js";
import { snsEvent } from "../helpers/aws-events.js";

/** SES event-publishing records (configuration set → SNS), trimmed to the fields SES always sends. */
const mail = {
  timestamp: "2026-11-30T09:00:00.000Z",
  source: "groundswell@acme.test",
  messageId: "0102018f-example",
  destination: ["gone@acme.test"],
  tags: { kind: ["reminder"], "ses:configuration-set": ["groundswell"] },
};
const bounce = (bounceType: string, ...addresses: string[]) =>
  JSON.stringify({
    eventType: "Bounce",
    bounce: {
      bounceType,
      bounceSubType: bounceType === "Permanent" ? "General" : "MailboxFull",
      bouncedRecipients: addresses.map((emailAddress) => ({
        emailAddress,
        action: "failed",
        status: "5.1.1",
        diagnosticCode: "smtp; 550 5.1.1 user unknown",
      })),
      timestamp: "2026-11-30T09:00:01.000Z",
      feedbackId: "0102018f-feedback",
    },
    mail,
  });
const complaint = (...addresses: string[]) =>
  JSON.stringify({
    eventType: "Complaint",
    complaint: {
      complainedRecipients: addresses.map((emailAddress) => ({ emailAddress })),
      timestamp: "2026-11-30T10:00:00.000Z",
      feedbackId: "0102018f-complaint",
      complaintFeedbackType: "abuse",
    },
    mail,
  });

function setup(fail = false) {
  const suppressed: [string, SuppressionReason][] = [];
  const logger = memoryLogger();
  const counters = memoryCounters();
  const handler = createSuppressionHandler({
    suppress: async (address, reason) => {
      if (fail) throw Object.assign(new Error("throttled"), { name: "TooManyRequestsException" });
      suppressed.push([address, reason]);
    },
    logger,
    counters,
  });
  return { handler, suppressed, logger, counters };
}

describe("mail suppression (SES events from SNS)", () => {
  it("suppresses permanently bounced and complaining addresses, not transient bounces", async () => {
    const { handler, suppressed, counters, logger } = setup();
    const event = snsEvent("GroundswellStack-MailEvents", [
      bounce("Permanent", "gone@acme.test", "left@acme.test"),
      bounce("Transient", "full@acme.test"),
      complaint("angry@acme.test"),
      JSON.stringify({ eventType: "Reject", reject: { reason: "Bad content" }, mail }),
    ]);
    expect(await handler(event)).toEqual({ suppressed: 3 });
    expect(suppressed).toEqual([
      ["gone@acme.test", "BOUNCE"],
      ["left@acme.test", "BOUNCE"],
      ["angry@acme.test", "COMPLAINT"],
    ]);
    expect(counters.totals).toEqual({ MailBounced: 2, MailComplained: 1, MailEventIgnored: 2 });
    // Counts, not people.
    expect(logger.lines.join("\n")).not.toContain("@acme.test");
  });

  it("reads the older identity-notification shape too, and ignores what is not JSON", async () => {
    const { handler, suppressed } = setup();
    const legacy = JSON.parse(bounce("Permanent", "old@acme.test"));
    legacy.notificationType = legacy.eventType;
    delete legacy.eventType;
    expect(await handler(snsEvent("t", [JSON.stringify(legacy), "not json"]))).toEqual({ suppressed: 1 });
    expect(suppressed).toEqual([["old@acme.test", "BOUNCE"]]);
  });

  it("throws when SES cannot take the address, so Lambda retries and then dead-letters the event", async () => {
    const { handler } = setup(true);
    await expect(handler(snsEvent("t", [complaint("angry@acme.test")]))).rejects.toThrow("throttled");
  });
});
