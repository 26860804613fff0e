import { Annotations, Aws, CfnOutput, Fn, Stack, type StackProps } from "aws-cdk-lib";
import * as route53 from "aws-cdk-lib/aws-route53";
import type { Construct } from "constructs";
import { Api } from "./constructs/api.js";
import { Data } from "./constructs/data.js";
import { CALLBACK_PATH, Identity, POST_LOGOUT_PATH, SCOPES } from "./constructs/identity.js";
import { MAIL_WORKERS, Mail } from "./constructs/mail.js";
import { Operations } from "./constructs/operations.js";
import { runtimeEnvironment } from "./constructs/runtime.js";
import { Scheduler } from "./constructs/scheduler.js";
import { ThemeJobs, WORKER_CONCURRENCY } from "./constructs/theme-jobs.js";
import { Web } from "./constructs/web.js";
import type { StackParameters } from "./parameters.js";

/** Sender when neither mailDomain nor mailFrom is set; SES will not send until it is verified. */
export const DEFAULT_MAIL_FROM = "groundswell@example.com";

export interface GroundswellStackProps extends StackProps, StackParameters {
  /** SvelteKit static build to upload (web/build); synth stops with a clear message without one. */
  readonly webBuildDir: string;
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
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: GroundswellStackProps) {
    super(scope, id, props);

    const zone =
      props.hostedZoneId && props.hostedZoneName
        ? route53.HostedZone.fromHostedZoneAttributes(this, "Zone", {
            hostedZoneId: props.hostedZoneId,
            zoneName: props.hostedZoneName,
          })
        : undefined;
    const inZone = (name?: string) =>
      zone && name && (name === props.hostedZoneName || name.endsWith(`.${props.hostedZoneName}`))
        ? zone
        : undefined;
    const reserve = props.apiReservedConcurrency !== undefined;

    this.data = new Data(this, "Data");
    this.operations = new Operations(this, "Operations", { operatorEmail: props.operatorEmail });
    const mailFrom =
      props.mailFrom ?? (props.mailDomain ? `groundswell@${props.mailDomain}` : DEFAULT_MAIL_FROM);

    // Mail and identity come first: the site's CSP names the Cognito origins, and Cognito may mail through SES.
    this.mail = new Mail(this, "Mail", {
      domain: props.mailDomain,
      from: mailFrom,
      hostedZone: inZone(props.mailDomain),
      sendRate: props.mailSendRate ?? 1,
      reserveConcurrency: reserve,
      key: this.operations.key,
    });
    this.identity = new Identity(this, "Identity", {
      threatProtection: props.threatProtection,
      domainPrefix: props.authDomainPrefix,
      adminEmail: props.adminEmail,
      passwordSignIn: props.passwordSignIn,
      email: props.cognitoMailThroughSes ? this.mail.cognitoEmail() : undefined,
      sso:
        props.samlMetadataUrl || props.oidcIssuer
          ? {
              name: props.ssoName ?? "SSO",
              samlMetadataUrl: props.samlMetadataUrl,
              oidc:
                props.oidcIssuer && props.oidcClientId && props.oidcClientSecretArn
                  ? {
                      issuer: props.oidcIssuer,
                      clientId: props.oidcClientId,
                      clientSecretArn: props.oidcClientSecretArn,
                    }
                  : undefined,
              emailAttribute: props.ssoEmailAttribute,
            }
          : undefined,
    });
    const cognitoIdp = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`;

    this.web = new Web(this, "Web", {
      buildDir: props.webBuildDir,
      identityOrigins: [cognitoIdp, this.identity.domainUrl],
      customDomain:
        props.domainName && props.certificateArn
          ? {
              name: props.domainName,
              certificateArn: props.certificateArn,
              hostedZone: inZone(props.domainName),
            }
          : undefined,
      wafRateLimit: props.wafRateLimit,
      webAclArn: props.webAclArn,
    });
    const client = this.identity.addWebClient(this.web.url);

    const shared = { table: this.data.table, authorKeySecret: this.data.authorKeySecret };
    const environment = runtimeEnvironment({
      ...shared,
      issuerUrl: this.identity.issuerUrl,
      clientId: client.userPoolClientId,
    });
    // Unguessable from outside the account, stable across deploys: the UUID at the end of the stack id.
    const originVerify = Fn.select(2, Fn.split("/", Aws.STACK_ID));
    this.api = new Api(this, "Api", {
      ...shared,
      environment,
      jwt: { issuer: this.identity.issuerUrl, audience: client.userPoolClientId },
      originVerify,
      customDomain:
        props.domainName && props.certificateArn
          ? { name: props.domainName, certificateArn: props.apiCertificateArn ?? props.certificateArn }
          : undefined,
      corsOrigins: props.corsOrigins,
      reservedConcurrency: props.apiReservedConcurrency,
    });
    this.web.addApi({
      originDomain: this.api.originDomain,
      forwardsHost: this.api.forwardsHost,
      originVerify,
    });
    this.identity.grantDirectoryAdmin(this.api.function);

    this.themeJobs = new ThemeJobs(this, "ThemeJobs", {
      ...shared,
      environment,
      reserveConcurrency: reserve,
    });
    this.scheduler = new Scheduler(this, "Scheduler", { ...shared, environment });
    // Closing a conversation (by hand or on schedule) starts a theme run; notices go to the mail queue.
    for (const fn of [this.api.function, this.scheduler.function]) {
      this.themeJobs.grantEnqueue(fn);
      this.mail.grantEnqueue(fn);
    }
    // Links in mail point at the site, whichever address it has.
    for (const fn of [this.api.function, this.scheduler.function]) fn.addEnvironment("APP_URL", this.web.url);

    this.web.deploy({
      oidc: {
        issuer: this.identity.issuerUrl,
        clientId: client.userPoolClientId,
        scopes: SCOPES.join(" "),
        redirectPath: CALLBACK_PATH,
        postLogoutPath: POST_LOGOUT_PATH,
        logoutEndpoint: `${this.identity.domainUrl}/logout`,
      },
      apiBase: "/api",
    });

    this.operations.watchApi(this.api.httpApi);
    this.operations.watchFunctions([
      { name: "Api", function: this.api.function },
      { name: "ThemeWorker", function: this.themeJobs.worker },
      { name: "Scheduler", function: this.scheduler.function },
      { name: "MailWorker", function: this.mail.worker },
      { name: "MailSuppression", function: this.mail.suppression },
    ]);
    this.operations.watchTable(this.data.table);
    this.operations.watchMail(
      {
        bounce: this.mail.metricReputation("BounceRate"),
        complaint: this.mail.metricReputation("ComplaintRate"),
      },
      [this.mail.queue, this.themeJobs.queue],
    );
    this.operations.notifyOnEveryAlarm();

    if (reserve) {
      const reserved = (props.apiReservedConcurrency ?? 0) + WORKER_CONCURRENCY + MAIL_WORKERS;
      Annotations.of(this).addInfo(
        `This stack reserves ${reserved} concurrent Lambda executions. Lambda keeps 10 unreserved, so the ` +
          `account's concurrency quota must be at least ${reserved + 10} (new accounts often start at 10): ` +
          "check Service Quotas > AWS Lambda > Concurrent executions, or leave groundswell:apiReservedConcurrency unset.",
      );
    }

    new CfnOutput(this, "WebUrl", { value: this.web.url, description: "Open this to sign in" });
    new CfnOutput(this, "DistributionDomain", {
      value: this.web.distribution.distributionDomainName,
      description: "Point a custom domain's CNAME/alias here when the stack does not manage its DNS",
    });
    new CfnOutput(this, "UserPoolId", { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: client.userPoolClientId });
    new CfnOutput(this, "AuthDomainUrl", {
      value: this.identity.domainUrl,
      description: "Cognito hosted UI",
    });
    new CfnOutput(this, "SsoRedirectUrl", {
      value: `${this.identity.domainUrl}/saml2/idpresponse`,
      description: "SAML: the IdP's Reply (ACS) URL; OIDC: register <AuthDomainUrl>/oauth2/idpresponse",
    });
    new CfnOutput(this, "SsoAudience", {
      value: `urn:amazon:cognito:sp:${this.identity.userPool.userPoolId}`,
      description: "SAML: the IdP's Identifier (Entity ID / Audience URI)",
    });
    new CfnOutput(this, "TableName", { value: this.data.table.tableName });
    new CfnOutput(this, "ThemeJobDeadLetterQueueUrl", { value: this.themeJobs.deadLetters.queue.queueUrl });
    new CfnOutput(this, "MailDeadLetterQueueUrl", { value: this.mail.deadLetters.queue.queueUrl });
    new CfnOutput(this, "MailFrom", { value: this.mail.from });
    new CfnOutput(this, "AlarmTopicArn", { value: this.operations.alarmTopic.topicArn });
    new CfnOutput(this, "DashboardName", { value: this.operations.dashboard.dashboardName });
    if (props.mailDomain && !inZone(props.mailDomain)) {
      for (const n of [1, 2, 3] as const) {
        new CfnOutput(this, `DkimRecord${n}`, {
          description: `Add to ${props.mailDomain}'s DNS: a CNAME record (name, then value)`,
          value: Fn.join(" CNAME ", [
            this.mail.identity[`dkimDnsTokenName${n}`],
            this.mail.identity[`dkimDnsTokenValue${n}`],
          ]),
        });
      }
    }
  }
}
