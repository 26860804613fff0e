import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** Where Powertools Metrics writes (POWERTOOLS_METRICS_NAMESPACE of every function). */
export const METRICS_NAMESPACE = "Groundswell";

/** Above these SES puts an account under review (5% bounces, 0.1% complaints); alarm well before. */
export const BOUNCE_RATE_ALARM = 0.03;
export const COMPLAINT_RATE_ALARM = 0.0008;

export interface OperationsProps {
  /** Subscribed to the alarm topic by email (SNS asks the address to confirm). */
  readonly operatorEmail?: string;
}

export interface WatchedFunction {
  readonly name: string;
  readonly function: lambda.IFunction;
}

/**
 * What an operator gets: one encrypted SNS topic every alarm in the stack notifies, the alarms
 * a person should be woken for, and a dashboard with the same figures.
 */
export class Operations extends Construct {
  readonly key: kms.Key;
  readonly alarmTopic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  private readonly rows: cloudwatch.IWidget[][] = [];

  constructor(scope: Construct, id: string, props: OperationsProps = {}) {
    super(scope, id);
    // One customer-managed key for the stack's SNS topics: CloudWatch and SES may publish with it.
    // No source-account condition: not every service sends one to KMS, and an alarm that cannot
    // publish fails silently. Publishing itself is still limited by each topic's policy.
    this.key = new kms.Key(this, "TopicKey", {
      description: "Groundswell: encrypts the alarm and mail-event SNS topics",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [
          new iam.ServicePrincipal("cloudwatch.amazonaws.com"),
          new iam.ServicePrincipal("ses.amazonaws.com"),
        ],
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: ["*"],
      }),
    );
    this.alarmTopic = new sns.Topic(this, "Alarms", {
      displayName: "Groundswell alarms",
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.operatorEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.operatorEmail));
    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      defaultInterval: Duration.hours(24),
    });
  }

  /** API Gateway: server errors as a share of requests, and the p99 latency. */
  watchApi(api: apigwv2.HttpApi) {
    const period = Duration.minutes(5);
    const requests = api.metricCount({ period, statistic: "Sum" });
    const errors = api.metricServerError({ period, statistic: "Sum" });
    const latency = api.metricLatency({ period, statistic: "p99" });
    const errorRate = new cloudwatch.MathExpression({
      // At least 20 requests, so one failing request at night is not a 100% rate.
      expression: "IF(requests >= 20, 100 * errors / requests, 0)",
      usingMetrics: { requests, errors },
      label: "5xx %",
      period,
    });
    new cloudwatch.Alarm(this, "Api5xx", {
      alarmDescription:
        "More than 2% of API requests answered 5xx for 10 minutes. 503s are DynamoDB throttling or " +
        "overload (see the DynamoDB widgets); 500s are bugs: read the API function's log group.",
      metric: errorRate,
      threshold: 2,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new cloudwatch.Alarm(this, "ApiLatency", {
      alarmDescription:
        "The API's p99 latency was above 3 s for 15 minutes; see the API and DynamoDB widgets.",
      metric: latency,
      threshold: 3000,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.rows.push([
      new cloudwatch.GraphWidget({
        title: "API requests and 5xx",
        left: [requests],
        right: [errors],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: "API 5xx %", left: [errorRate], width: 8 }),
      new cloudwatch.GraphWidget({ title: "API latency p99 (ms)", left: [latency], width: 8 }),
    ]);
  }

  /** Every function: errors (a crash or time-out, not a 4xx) and throttles. */
  watchFunctions(functions: readonly WatchedFunction[]) {
    const period = Duration.minutes(5);
    for (const { name, function: fn } of functions) {
      new cloudwatch.Alarm(this, `${name}Errors`, {
        alarmDescription: `The ${name} function failed (crashed or timed out) in two 5-minute periods in a row; read its log group.`,
        metric: fn.metricErrors({ period, statistic: "Sum" }),
        threshold: 0,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      new cloudwatch.Alarm(this, `${name}Throttles`, {
        alarmDescription:
          `The ${name} function was throttled: the account's Lambda concurrency is exhausted or its ` +
          "reservation is too small. See docs/deploy.md, Lambda concurrency.",
        metric: fn.metricThrottles({ period, statistic: "Sum" }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.rows.push([
      new cloudwatch.GraphWidget({
        title: "Lambda errors",
        left: functions.map((f) => f.function.metricErrors({ period, label: f.name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Lambda throttles",
        left: functions.map((f) => f.function.metricThrottles({ period, label: f.name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Lambda duration p90 (ms)",
        left: functions.map((f) => f.function.metricDuration({ period, statistic: "p90", label: f.name })),
        width: 8,
      }),
    ]);
  }

  /** DynamoDB: any throttled request (on demand has per-partition limits too). */
  watchTable(table: dynamodb.ITable) {
    const period = Duration.minutes(5);
    const reads = table.metric("ReadThrottleEvents", { period, statistic: "Sum" });
    const writes = table.metric("WriteThrottleEvents", { period, statistic: "Sum" });
    const throttles = new cloudwatch.MathExpression({
      expression: "FILL(reads, 0) + FILL(writes, 0)",
      usingMetrics: { reads, writes },
      label: "throttled requests",
      period,
    });
    new cloudwatch.Alarm(this, "TableThrottles", {
      alarmDescription:
        "DynamoDB throttled requests in two 5-minute periods in a row; the API answers them with 503. " +
        "A hot partition or a table-level on-demand limit: see the Contributor Insights of the table.",
      metric: throttles,
      threshold: 0,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.rows.push([
      new cloudwatch.GraphWidget({
        title: "DynamoDB consumed capacity",
        left: [
          table.metricConsumedReadCapacityUnits({ period }),
          table.metricConsumedWriteCapacityUnits({ period }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: "DynamoDB throttles", left: [throttles], width: 12 }),
    ]);
  }

  /** SES reputation: alarms before SES's review thresholds, and the queues on the dashboard. */
  watchMail(
    rates: { bounce: cloudwatch.IMetric; complaint: cloudwatch.IMetric },
    queues: readonly sqs.IQueue[],
  ) {
    new cloudwatch.Alarm(this, "MailBounceRate", {
      alarmDescription:
        `The SES bounce rate passed ${BOUNCE_RATE_ALARM * 100}% (SES reviews the account at 5%). Check the ` +
        "directory for stale addresses; bounced addresses are already suppressed.",
      metric: rates.bounce,
      threshold: BOUNCE_RATE_ALARM,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new cloudwatch.Alarm(this, "MailComplaintRate", {
      alarmDescription:
        `The SES complaint rate passed ${COMPLAINT_RATE_ALARM * 100}% (SES reviews the account at 0.1%). ` +
        "People are marking the mail as spam: check reminder settings.",
      metric: rates.complaint,
      threshold: COMPLAINT_RATE_ALARM,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const period = Duration.minutes(5);
    this.rows.push([
      new cloudwatch.GraphWidget({
        title: "SES bounce and complaint rate",
        left: [rates.bounce, rates.complaint],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Mail sent, retried, bounced",
        left: (
          [
            ["MailSent", "mail-worker"],
            ["MailRetried", "mail-worker"],
            ["MailBounced", "mail-suppression"],
            ["MailComplained", "mail-suppression"],
          ] as const
        ).map(
          // Powertools Metrics adds the function's service name as a dimension.
          ([metricName, service]) =>
            new cloudwatch.Metric({
              namespace: METRICS_NAMESPACE,
              metricName,
              statistic: "Sum",
              period,
              dimensionsMap: { service },
            }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Queue depth",
        left: queues.map((q) => q.metricApproximateNumberOfMessagesVisible({ period, statistic: "Maximum" })),
        width: 8,
      }),
    ]);
  }

  /** Points every alarm in the stack at the topic (call once, after every construct exists). */
  notifyOnEveryAlarm() {
    const action = new actions.SnsAction(this.alarmTopic);
    for (const construct of Stack.of(this).node.findAll()) {
      if (construct instanceof cloudwatch.Alarm) {
        construct.addAlarmAction(action);
        construct.addOkAction(action);
      }
    }
    for (const row of this.rows) this.dashboard.addWidgets(...row);
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: "Alarms",
        alarms: Stack.of(this)
          .node.findAll()
          .filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm),
        width: 24,
      }),
    );
  }
}
