import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { Mailer, MailMessage } from "./mailer.js";

/**
 * AWS: mail goes out through SES from the stack's verified identity, through its configuration
 * set (which suppresses bounced and complaining addresses and publishes those events).
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSetName?: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        ConfigurationSetName: this.configurationSetName,
        // Lets SES's event records (bounces, complaints) say which kind of notice it was.
        EmailTags: [{ Name: "kind", Value: message.kind }],
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: "UTF-8" },
            Body: { Text: { Data: message.text, Charset: "UTF-8" } },
          },
        },
      }),
    );
  }
}
