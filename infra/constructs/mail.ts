import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as ses from "aws-cdk-lib/aws-ses";
import { Construct } from "constructs";

export interface MailProps {
  /** The sender address; SES sends a verification link to it on deploy. */
  readonly from: string;
  /** The web app's address, for links in messages. */
  readonly appUrl: string;
}

/** Outgoing mail (invitations, reminders, results notices) through SES from one verified sender. */
export class Mail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly from: string;
  readonly appUrl: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    // Caught at synth rather than as a failed deploy.
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.from))
      throw new Error(`Not an email address: ${props.from}`);
    this.from = props.from;
    this.appUrl = props.appUrl;
    this.identity = new ses.EmailIdentity(this, "Sender", { identity: ses.Identity.email(props.from) });
  }

  /** SendEmail as this sender only, plus the settings functions/aws/environment.ts reads. */
  grantSend(fn: lambda.Function) {
    this.identity.grant(fn, "ses:SendEmail");
    fn.addEnvironment("MAIL_FROM", this.from);
    fn.addEnvironment("APP_URL", this.appUrl);
  }
}
