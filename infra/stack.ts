import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { Api } from "./constructs/api.js";
import { Data } from "./constructs/data.js";
import { Identity } from "./constructs/identity.js";
import { Mail } from "./constructs/mail.js";
import { runtimeEnvironment } from "./constructs/runtime.js";
import { Scheduler } from "./constructs/scheduler.js";
import { ThemeJobs } from "./constructs/theme-jobs.js";
import { Web } from "./constructs/web.js";

/** Used when the groundswell:mailFrom context is not set; SES will not send until it is verified. */
export const DEFAULT_MAIL_FROM = "groundswell@example.com";

export interface GroundswellStackProps extends StackProps {
  /** SvelteKit static build to upload; omitted on a clean clone, leaving the bucket empty. */
  readonly webBuildDir?: string;
  /** Extra browser origins allowed to call the API directly (the CloudFront site needs none). */
  readonly corsOrigins?: readonly string[];
  /** Cognito Plus tier with threat protection; see Identity. */
  readonly threatProtection?: boolean;
  /** Cognito hosted-domain prefix; defaults to groundswell-<account id>. */
  readonly authDomainPrefix?: string;
  /** Sender of invitations, reminders and notices; defaults to DEFAULT_MAIL_FROM. */
  readonly mailFrom?: string;
}

/** Groundswell in one stack, one construct per concern, all fed by `data`. */
export class GroundswellStack extends Stack {
  readonly data: Data;
  readonly identity: Identity;
  readonly api: Api;
  readonly web: Web;
  readonly themeJobs: ThemeJobs;
  readonly scheduler: Scheduler;
  readonly mail: Mail;

  constructor(scope: Construct, id: string, props: GroundswellStackProps = {}) {
    super(scope, id, props);

    this.data = new Data(this, "Data");
    // Web comes before Identity because the app client's redirect URLs are the site's URL;
    // the API is attached to the distribution once it exists.
    this.web = new Web(this, "Web", { buildDir: props.webBuildDir });
    this.identity = new Identity(this, "Identity", {
      webUrl: this.web.url,
      threatProtection: props.threatProtection,
      domainPrefix: props.authDomainPrefix,
    });
    const shared = { table: this.data.table, authorKeySecret: this.data.authorKeySecret };
    const environment = runtimeEnvironment({
      ...shared,
      issuerUrl: this.identity.issuerUrl,
      clientId: this.identity.client.userPoolClientId,
    });
    this.api = new Api(this, "Api", { ...shared, environment, corsOrigins: props.corsOrigins });
    this.web.addApi(this.api.url);

    this.themeJobs = new ThemeJobs(this, "ThemeJobs", { ...shared, environment });
    this.scheduler = new Scheduler(this, "Scheduler", { ...shared, environment });
    this.mail = new Mail(this, "Mail", { from: props.mailFrom ?? DEFAULT_MAIL_FROM, appUrl: this.web.url });
    // Closing a conversation (by hand or on schedule) starts a theme run.
    for (const fn of [this.api.function, this.scheduler.function]) {
      this.themeJobs.grantEnqueue(fn);
      this.mail.grantSend(fn);
    }

    new CfnOutput(this, "WebUrl", { value: this.web.url });
    new CfnOutput(this, "ApiUrl", { value: this.api.url });
    new CfnOutput(this, "UserPoolId", { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, "AuthDomainUrl", { value: this.identity.domain.baseUrl() });
    new CfnOutput(this, "TableName", { value: this.data.table.tableName });
    new CfnOutput(this, "ThemeJobDeadLetterQueueUrl", { value: this.themeJobs.deadLetters.queue.queueUrl });
    new CfnOutput(this, "MailFrom", { value: this.mail.from });
  }
}
