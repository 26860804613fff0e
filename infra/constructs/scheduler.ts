import { Duration, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { DeadLetters } from "./dead-letters.js";
import { NodeLambda } from "./node-lambda.js";
import { grantTableAccess } from "./table-access.js";

export interface SchedulerProps {
  readonly table: dynamodb.Table;
  readonly authorKeySecret: secretsmanager.ISecret;
  /** The shared Lambda settings (see runtime.ts). */
  readonly environment: Record<string, string>;
}

/**
 * The clock of the product (DESIGN §6): every minute EventBridge runs the scheduler Lambda, which
 * applies timed transitions and sends reminders and notices. Nothing is retried: the next minute's
 * run finds whatever is still due, and due items are claimed, so runs never apply anything twice.
 */
export class Scheduler extends Construct {
  readonly function: lambda.Function;
  readonly rule: events.Rule;
  readonly deadLetters: DeadLetters;
  readonly failing: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SchedulerProps) {
    super(scope, id);

    const handler = new NodeLambda(this, "Handler", {
      entry: "functions/scheduler/handler.ts",
      description: "Groundswell scheduler (every minute)",
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: "scheduler" },
      // Below the 5-minute claim timeout in functions/repositories/due.ts: a claim is only taken
      // over once the run that holds it has surely stopped.
      timeout: Duration.minutes(4),
      // The author-key secret, through the extension (functions/aws/secrets-extension.ts).
      readsSecrets: [props.authorKeySecret],
    });
    this.function = handler.function;
    // A failed run is not retried by Lambda's async queue either.
    this.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });

    // Due items (byDueAt), the directory and participation (Queries of the table), claims and
    // conditional transitions (UpdateItem), schedules, notices and the theme-run job (PutItem,
    // DeleteItem; startThemeRun's transaction is per-item Update and Put).
    grantTableAccess(props.table, this.function, {
      actions: [
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
      ],
      queryIndexes: ["byDueAt"],
    });

    this.deadLetters = new DeadLetters(this, "DeadLetters", {
      alarmDescription:
        "EventBridge could not invoke the scheduler Lambda, so timed transitions and reminders wait. " +
        "Each message is a missed tick: fix the cause, then delete them (the next run catches up).",
    });
    // Function errors are not retried and reach no DLQ; a run failing for five minutes means
    // nothing is moving on schedule.
    this.failing = new cloudwatch.Alarm(this, "Failing", {
      alarmDescription: "The scheduler has failed for 5 minutes in a row; see its log group.",
      metric: this.function.metricErrors({ period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 0,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.rule = new events.Rule(this, "EveryMinute", {
      description: "Runs the Groundswell scheduler",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [
        new targets.LambdaFunction(this.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
          deadLetterQueue: this.deadLetters.queue,
        }),
      ],
    });

    Validations.of(this.deadLetters.queue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the dead-letter queue of the scheduler rule's target.",
    });
  }
}
