import { Aws, Duration, Stack, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as ses from "aws-cdk-lib/aws-ses";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DeadLetters } from "./dead-letters.js";
import { NodeLambda } from "./node-lambda.js";

/** Pollers the SQS event source runs at most (its minimum); the send rate is split between them. */
export const MAIL_WORKERS = 2;
/** Messages per worker invocation. */
export const MAIL_BATCH_SIZE = 10;
export const MAIL_WORKER_TIMEOUT = Duration.minutes(2);
/** Deliveries (about an hour of retries at the visibility timeout) before a message goes to the DLQ. */
export const MAIL_MAX_RECEIVE_COUNT = 5;

export interface MailProps {
  /** SES domain identity with Easy DKIM; without it `from` is verified as a single address. */
  readonly domain?: string;
  readonly from: string;
  /** Where the DKIM CNAMEs are written; otherwise they are stack outputs to add by hand. */
  readonly hostedZone?: route53.IHostedZone;
  /** Messages per second for all workers together (at most the account's SES send rate). */
  readonly sendRate: number;
  /** Reserve the workers' concurrency (see docs/deploy.md on the account's quota). */
  readonly reserveConcurrency?: boolean;
  /** Encrypts the bounce/complaint topic; its policy lets SES use it. */
  readonly key: kms.IKey;
}

/**
 * Mail that arrives (DESIGN §6): an SES identity (a domain with Easy DKIM, or one address), a
 * configuration set that suppresses bounced and complaining addresses and publishes those events
 * to SNS, where a small handler also puts them on the account's suppression list; and a queue
 * that the API and the scheduler fan messages out to, drained by a paced worker so sends stay
 * under the account's SES rate, with retries and a dead-letter queue.
 */
export class Mail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly from: string;
  readonly domain?: string;
  readonly events: sns.Topic;
  readonly queue: sqs.Queue;
  readonly deadLetters: DeadLetters;
  readonly worker: lambda.Function;
  readonly suppression: lambda.Function;
  readonly suppressionDeadLetters: DeadLetters;
  /** Pause between two sends of one worker, so all workers together keep to `sendRate`. */
  readonly sendIntervalMs: number;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    // Caught at synth rather than as a failed deploy.
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.from))
      throw new Error(`Not an email address: ${props.from}`);
    this.from = props.from;
    this.domain = props.domain;

    this.configurationSet = new ses.ConfigurationSet(this, "ConfigurationSet", {
      reputationMetrics: true,
      sendingEnabled: true,
      // SES stops sending to these addresses itself; the handler below adds them account-wide.
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new ses.EmailIdentity(this, "Identity", {
      identity: props.domain ? ses.Identity.domain(props.domain) : ses.Identity.email(props.from),
      configurationSet: this.configurationSet,
      ...(props.domain && { dkimSigning: true, dkimIdentity: ses.DkimIdentity.easyDkim() }),
    });
    if (props.domain && props.hostedZone) {
      for (const n of [1, 2, 3] as const) {
        new route53.CfnRecordSet(this, `Dkim${n}`, {
          hostedZoneId: props.hostedZone.hostedZoneId,
          name: this.identity[`dkimDnsTokenName${n}`],
          type: "CNAME",
          resourceRecords: [this.identity[`dkimDnsTokenValue${n}`]],
          ttl: "1800",
        });
      }
    }

    // Bounces and complaints -> SNS -> the suppression handler (DLQ for invocations that keep failing).
    this.events = new sns.Topic(this, "Events", {
      displayName: "Groundswell mail bounces and complaints",
      masterKey: props.key,
      enforceSSL: true,
    });
    this.configurationSet.addEventDestination("Bounces", {
      destination: ses.EventDestination.snsTopic(this.events),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });
    this.suppressionDeadLetters = new DeadLetters(this, "SuppressionDeadLetters", {
      alarmDescription:
        "A bounce or complaint could not be added to the SES suppression list after retries. SES's own " +
        "configuration-set suppression still applies; read the message, fix the cause, add it by hand.",
    });
    const suppression = new NodeLambda(this, "Suppression", {
      entry: "functions/notify/suppression-handler.ts",
      description: "Groundswell mail suppression (SES bounces and complaints)",
      environment: { POWERTOOLS_SERVICE_NAME: "mail-suppression" },
      timeout: Duration.seconds(30),
    });
    this.suppression = suppression.function;
    this.suppression.configureAsyncInvoke({ retryAttempts: 2 });
    this.events.addSubscription(
      new subscriptions.LambdaSubscription(this.suppression, {
        deadLetterQueue: this.suppressionDeadLetters.queue,
      }),
    );
    // PutSuppressedDestination has no resource-level permissions.
    this.suppression.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["ses:PutSuppressedDestination"], resources: ["*"] }),
    );
    Validations.of(suppression.role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "ses:PutSuppressedDestination (the account's suppression list) and X-Ray's trace APIs support no " +
        "resource-level permissions.",
    });

    // The queue the API and the scheduler fan messages out to, and its paced worker.
    this.deadLetters = new DeadLetters(this, "DeadLetters", {
      alarmDescription:
        `A message failed ${MAIL_MAX_RECEIVE_COUNT} send attempts (SES throttling, a quota, or a rejected ` +
        "message). Read the worker's log for the reason, fix it, then redrive the DLQ to the mail queue.",
    });
    this.queue = new sqs.Queue(this, "Queue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda consumers: six times the function timeout.
      visibilityTimeout: Duration.seconds(MAIL_WORKER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters.queue, maxReceiveCount: MAIL_MAX_RECEIVE_COUNT },
    });
    Validations.of(this.deadLetters.queue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the mail queue's dead-letter queue.",
    });
    Validations.of(this.suppressionDeadLetters.queue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the dead-letter queue of the suppression handler's SNS subscription.",
    });

    this.sendIntervalMs = Math.ceil((1000 * MAIL_WORKERS) / props.sendRate);
    // A full batch at the pace must fit well inside the timeout, or sends would be cut off mid-batch.
    if (this.sendIntervalMs * MAIL_BATCH_SIZE > (MAIL_WORKER_TIMEOUT.toMilliseconds() * 3) / 4) {
      throw new Error(`mailSendRate ${props.sendRate} is too slow for a batch of ${MAIL_BATCH_SIZE}`);
    }
    const worker = new NodeLambda(this, "Worker", {
      entry: "functions/notify/mail-worker-handler.ts",
      description: "Groundswell mail worker (SQS to SES, paced)",
      environment: {
        POWERTOOLS_SERVICE_NAME: "mail-worker",
        MAIL_FROM: this.from,
        MAIL_CONFIGURATION_SET: this.configurationSet.configurationSetName,
        MAIL_SEND_INTERVAL_MS: String(this.sendIntervalMs),
      },
      timeout: MAIL_WORKER_TIMEOUT,
      reservedConcurrency: props.reserveConcurrency ? MAIL_WORKERS : undefined,
    });
    this.worker = worker.function;
    this.worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: MAIL_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: MAIL_WORKERS,
      }),
    );
    // SendEmail as this identity, through this configuration set (SES checks both resources).
    const stack = Stack.of(this);
    this.worker.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["ses:SendEmail"],
        resources: [
          stack.formatArn({
            service: "ses",
            resource: "identity",
            resourceName: this.identity.emailIdentityName,
          }),
          stack.formatArn({
            service: "ses",
            resource: "configuration-set",
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
  }

  /** Lets a function queue mail: SendMessage on the mail queue only, and its URL. */
  grantEnqueue(fn: lambda.Function) {
    this.queue.grant(fn, "sqs:SendMessage");
    fn.addEnvironment("MAIL_QUEUE_URL", this.queue.queueUrl);
  }

  /** Cognito's own mail through this identity; only valid once SES has verified it. */
  cognitoEmail(): cognito.UserPoolEmail {
    return cognito.UserPoolEmail.withSES({
      fromEmail: this.from,
      fromName: "Groundswell",
      sesRegion: Aws.REGION,
      sesVerifiedDomain: this.domain,
      configurationSetName: this.configurationSet.configurationSetName,
    });
  }

  /** SES's account-wide reputation: the share of sends that bounced or drew a complaint. */
  metricReputation(kind: "BounceRate" | "ComplaintRate") {
    return new cloudwatch.Metric({
      namespace: "AWS/SES",
      metricName: `Reputation.${kind}`,
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.hours(1),
    });
  }
}
