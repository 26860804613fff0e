import { Duration } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import {
  API,
  actionsOf,
  arnOf,
  lambdaNamed,
  logicalId,
  MAIL_WORKER,
  resourceOf,
  SCHEDULER,
  SUPPRESSION,
  type Synth,
  statementsOf,
  synth,
  WORKER,
} from "./synth.js";

let plain: Synth;
let reserved: Synth;

beforeAll(() => {
  plain = synth();
  reserved = synth({ apiReservedConcurrency: "40" });
}, 600_000);

const themeQueueId = (s: Synth) =>
  logicalId(s.template, "AWS::SQS::Queue", { RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
const mailQueueId = (s: Synth) =>
  logicalId(s.template, "AWS::SQS::Queue", { RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }) });

describe("ThemeJobs", () => {
  const dlqId = () =>
    resourceOf(plain.template, themeQueueId(plain)).Properties.RedrivePolicy.deadLetterTargetArn[
      "Fn::GetAtt"
    ][0];

  it("queues runs with SSE and moves a message to a 14-day DLQ after 3 deliveries", () => {
    plain.template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId()), maxReceiveCount: 3 },
    });
    expect(resourceOf(plain.template, dlqId()).Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it("refuses every request that is not over TLS, on every queue", () => {
    const queues = Object.keys(plain.template.findResources("AWS::SQS::Queue"));
    // theme jobs + DLQ, the scheduler target's DLQ, mail + DLQ, the suppression subscription's DLQ
    expect(queues).toHaveLength(6);
    for (const id of queues) {
      plain.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "sqs:*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
    }
  });

  it("feeds the worker one message at a time and takes back only the failed ones", () => {
    plain.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: arnOf(themeQueueId(plain)),
      FunctionName: { Ref: lambdaNamed(plain.template, WORKER).id },
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("sizes the worker for minutes of clustering, hidden from other consumers 6x as long", () => {
    const worker = lambdaNamed(plain.template, WORKER).properties;
    expect(worker.MemorySize).toBeGreaterThanOrEqual(1024);
    expect(worker.MemorySize).toBeLessThanOrEqual(2048);
    expect(worker.Timeout).toBeGreaterThanOrEqual(Duration.minutes(5).toSeconds());
    expect(worker.Timeout).toBeLessThanOrEqual(Duration.minutes(15).toSeconds());
    const queue = resourceOf(plain.template, themeQueueId(plain)).Properties;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Timeout);
  });

  it("alarms as soon as a message reaches the DLQ", () => {
    plain.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [dlqId(), "QueueName"] } }],
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0,
      EvaluationPeriods: 1,
    });
  });
});

describe("reserved concurrency", () => {
  it("reserves nothing by default, so an account with the starting quota of 10 can deploy", () => {
    for (const fn of [API, WORKER, SCHEDULER, MAIL_WORKER, SUPPRESSION]) {
      expect(lambdaNamed(plain.template, fn).properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it("with apiReservedConcurrency reserves it for the API and the pollers' maximum for each worker", () => {
    expect(lambdaNamed(reserved.template, API).properties.ReservedConcurrentExecutions).toBe(40);
    for (const fn of [WORKER, MAIL_WORKER]) {
      const worker = lambdaNamed(reserved.template, fn);
      const mapping = Object.values(reserved.template.findResources("AWS::Lambda::EventSourceMapping")).find(
        (m) => m.Properties.FunctionName.Ref === worker.id,
      );
      // The poller never sends more than is reserved: a throttle would count as a delivery.
      expect(worker.properties.ReservedConcurrentExecutions).toBe(
        mapping!.Properties.ScalingConfig.MaximumConcurrency,
      );
    }
  });

  it("says at synth how much quota the reservation needs", () => {
    const infos = reserved.stack.node.metadata
      .filter((m) => m.type === "aws:cdk:info")
      .map((m) => String(m.data));
    expect(infos.join("\n")).toMatch(/reserves 44 concurrent Lambda executions.*at least 54/);
  });
});

describe("Scheduler", () => {
  it("runs the scheduler every minute, without retries, with a DLQ for the target", () => {
    const scheduler = lambdaNamed(plain.template, SCHEDULER);
    const [rule] = Object.values(plain.template.findResources("AWS::Events::Rule"));
    expect(rule!.Properties.ScheduleExpression).toBe("rate(1 minute)");
    expect(rule!.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: arnOf(scheduler.id),
        RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 0 }),
        DeadLetterConfig: { Arn: { "Fn::GetAtt": [expect.any(String), "Arn"] } },
      }),
    ]);
    plain.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: scheduler.id },
      MaximumRetryAttempts: 0,
    });
  });

  it("lets only this rule put events in the target's DLQ", () => {
    const [rule] = Object.entries(plain.template.findResources("AWS::Events::Rule"));
    const dlqId = rule![1].Properties.Targets[0].DeadLetterConfig.Arn["Fn::GetAtt"][0];
    plain.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Condition: { ArnEquals: { "aws:SourceArn": arnOf(rule![0]) } },
          }),
        ]),
      },
    });
  });

  it("alarms when the scheduler itself fails five minutes in a row", () => {
    plain.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: lambdaNamed(plain.template, SCHEDULER).id } }],
      Threshold: 0,
      EvaluationPeriods: 5,
    });
  });

  it("stops before a due item's 5-minute claim could be taken over", () => {
    expect(lambdaNamed(plain.template, SCHEDULER).properties.Timeout).toBeLessThan(5 * 60);
  });
});

describe("least privilege", () => {
  const tableArn = () => arnOf(logicalId(plain.template, "AWS::DynamoDB::Table"));
  const indexArn = (name: string) => ({ "Fn::Join": ["", [tableArn(), `/index/${name}`]] });
  const dynamoOf = (description: string) =>
    statementsOf(plain.template, description).filter((s) =>
      actionsOf(s).some((a) => a.startsWith("dynamodb:")),
    );

  it("no function may Scan or use dynamodb:*", () => {
    const actions = Object.values(plain.template.findResources("AWS::IAM::Policy"))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain("dynamodb:Scan");
    expect(actions).not.toContain("dynamodb:*");
  });

  it("the worker gets exactly what runThemeJob uses: Get, Query, Update, BatchWrite; Query on gsi1", () => {
    expect(dynamoOf(WORKER)).toEqual([
      expect.objectContaining({
        Action: ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"],
        Resource: tableArn(),
      }),
      expect.objectContaining({ Action: "dynamodb:Query", Resource: indexArn("gsi1") }),
    ]);
  });

  it("the scheduler gets item actions on the table and Query on byDueAt only", () => {
    expect(dynamoOf(SCHEDULER)).toEqual([
      expect.objectContaining({
        Action: [
          "dynamodb:DeleteItem",
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:Query",
          "dynamodb:UpdateItem",
        ],
        Resource: tableArn(),
      }),
      expect.objectContaining({ Action: "dynamodb:Query", Resource: indexArn("byDueAt") }),
    ]);
  });

  it("the mail functions touch no table and no secret", () => {
    for (const fn of [MAIL_WORKER, SUPPRESSION]) {
      const actions = statementsOf(plain.template, fn).flatMap(actionsOf);
      expect(actions.filter((a) => /^(dynamodb|secretsmanager):/.test(a))).toEqual([]);
    }
  });

  it("only the API and the scheduler may send to the theme-job and mail queues, and to nothing else", () => {
    const theme = themeQueueId(plain);
    const mail = mailQueueId(plain);
    for (const fn of [API, SCHEDULER]) {
      const sends = statementsOf(plain.template, fn).filter((s) => actionsOf(s).includes("sqs:SendMessage"));
      expect(sends.every((s) => s.Action === "sqs:SendMessage")).toBe(true);
      const resources = sends.flatMap((s) => [s.Resource].flat()).map((r) => JSON.stringify(r));
      expect(resources.sort()).toEqual([arnOf(theme), arnOf(mail)].map((r) => JSON.stringify(r)).sort());
      expect(lambdaNamed(plain.template, fn).properties.Environment.Variables).toMatchObject({
        THEME_JOB_QUEUE_URL: { Ref: theme },
        MAIL_QUEUE_URL: { Ref: mail },
      });
    }
    for (const fn of [WORKER, MAIL_WORKER]) {
      expect(statementsOf(plain.template, fn).flatMap(actionsOf)).not.toContain("sqs:SendMessage");
    }
  });

  it("the API, the worker and the scheduler read the author-key secret, and only that secret", () => {
    const secretId = logicalId(plain.template, "AWS::SecretsManager::Secret");
    for (const fn of [API, WORKER, SCHEDULER]) {
      const reads = statementsOf(plain.template, fn).filter((s) =>
        actionsOf(s).some((a) => a.startsWith("secretsmanager:")),
      );
      expect(reads).toEqual([expect.objectContaining({ Resource: { Ref: secretId } })]);
    }
  });
});
