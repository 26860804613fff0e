import { PutSuppressedDestinationCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { jsonLogger } from "../lib/logger.js";
import { powertoolsCounters } from "../lib/metrics.js";
import { createSuppressionHandler } from "./suppression.js";

const ses = new SESv2Client({ region: process.env.AWS_REGION });

/** The suppression Lambda's entry, subscribed to the configuration set's bounce/complaint topic. */
export const handler = createSuppressionHandler({
  suppress: async (address, reason) => {
    await ses.send(new PutSuppressedDestinationCommand({ EmailAddress: address, Reason: reason }));
  },
  logger: jsonLogger(),
  counters: powertoolsCounters(),
});
