import { SESv2Client } from "@aws-sdk/client-sesv2";
import * as z from "zod/mini";
import { jsonLogger } from "../lib/logger.js";
import { powertoolsCounters } from "../lib/metrics.js";
import { createMailWorker } from "./mail-worker.js";
import { SesMailer } from "./ses-mailer.js";

/** The mail worker's settings (infra/constructs/mail.ts writes them); a bad one stops the cold start. */
const env = z
  .object({
    AWS_REGION: z.string().check(z.minLength(1)),
    MAIL_FROM: z.email(),
    MAIL_CONFIGURATION_SET: z.string().check(z.minLength(1)),
    MAIL_SEND_INTERVAL_MS: z.coerce.number().check(z.int(), z.minimum(0), z.maximum(60_000)),
  })
  .parse(process.env);

/** The mail worker Lambda's entry: SQS batches of queued notices, sent through SES. */
export const handler = createMailWorker({
  mailer: new SesMailer(
    new SESv2Client({ region: env.AWS_REGION }),
    env.MAIL_FROM,
    env.MAIL_CONFIGURATION_SET,
  ),
  logger: jsonLogger(),
  counters: powertoolsCounters(),
  intervalMs: env.MAIL_SEND_INTERVAL_MS,
});
