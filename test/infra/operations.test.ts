import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import {
  API,
  lambdaNamed,
  logicalId,
  MAIL_WORKER,
  SCHEDULER,
  SUPPRESSION,
  type Synth,
  synth,
  WORKER,
} from "./synth.js";

let s: Synth;

beforeAll(() => {
  s = synth({ operatorEmail: "oncall@acme.test" });
}, 600_000);

const alarms = () =>
  Object.values(s.template.findResources("AWS::CloudWatch::Alarm")).map((a) => a.Properties);
const topicId = () => logicalId(s.template, "AWS::SNS::Topic", { DisplayName: "Groundswell alarms" });

describe("Operations", () => {
  it("mails the operator from an encrypted alarm topic", () => {
    expect(s.template.toJSON().Resources[topicId()].Properties.KmsMasterKeyId).toBeDefined();
    s.template.hasResourceProperties("AWS::SNS::Subscription", {
      TopicArn: { Ref: topicId() },
      Protocol: "email",
      Endpoint: "oncall@acme.test",
    });
    // CloudWatch and SES may use the key, nobody else but the account.
    s.template.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: ["cloudwatch.amazonaws.com", "ses.amazonaws.com"] },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          }),
        ]),
      },
    });
  });

  it("points every alarm in the stack at the topic, for alarm and recovery", () => {
    expect(alarms().length).toBeGreaterThanOrEqual(20);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId() }]);
      // Each says what happened and where to look.
      expect(alarm.AlarmDescription.length).toBeGreaterThan(40);
    }
  });

  it("alarms on API 5xx rate and p99 latency", () => {
    const api = logicalId(s.template, "AWS::ApiGatewayV2::Api");
    const errorRate = alarms().find((a) =>
      a.Metrics?.some((m: { Expression?: string }) => m.Expression?.includes("errors / requests")),
    );
    expect(JSON.stringify(errorRate)).toContain('"MetricName":"5xx"');
    expect(JSON.stringify(errorRate)).toContain(`{"Ref":"${api}"}`);
    s.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/ApiGateway",
      MetricName: "Latency",
      ExtendedStatistic: "p99",
      Threshold: 3000,
    });
  });

  it("alarms on errors and throttles of every function", () => {
    for (const fn of [API, WORKER, SCHEDULER, MAIL_WORKER, SUPPRESSION]) {
      const ref = { Ref: lambdaNamed(s.template, fn).id };
      for (const MetricName of ["Errors", "Throttles"]) {
        s.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
          Namespace: "AWS/Lambda",
          MetricName,
          Dimensions: [{ Name: "FunctionName", Value: ref }],
          Threshold: 0,
        });
      }
    }
  });

  it("alarms on DynamoDB throttles, on every DLQ, and on the SES bounce and complaint rates", () => {
    const table = logicalId(s.template, "AWS::DynamoDB::Table");
    const throttles = alarms().find((a) => JSON.stringify(a).includes("ReadThrottleEvents"));
    expect(JSON.stringify(throttles)).toContain("WriteThrottleEvents");
    expect(JSON.stringify(throttles)).toContain(`{"Ref":"${table}"}`);
    const dlqs = Object.entries(s.template.findResources("AWS::SQS::Queue"))
      .filter(([, q]) => q.Properties.MessageRetentionPeriod === 14 * 24 * 3600)
      .map(([id]) => id);
    expect(dlqs).toHaveLength(4); // theme jobs, scheduler target, mail, suppression subscription
    for (const id of dlqs) {
      s.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [id, "QueueName"] } }],
        Threshold: 0,
      });
    }
    for (const [MetricName, limit] of [
      ["Reputation.BounceRate", 0.05],
      ["Reputation.ComplaintRate", 0.001],
    ] as const) {
      const alarm = alarms().find((a) => a.MetricName === MetricName);
      expect(alarm).toMatchObject({ Namespace: "AWS/SES" });
      expect(alarm!.Threshold).toBeLessThan(limit);
    }
  });

  it("draws a dashboard of the same figures", () => {
    const [dashboard] = Object.values(s.template.findResources("AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const title of [
      "API 5xx %",
      "Lambda errors",
      "DynamoDB throttles",
      "SES bounce and complaint rate",
      "Queue depth",
      "Alarms",
    ]) {
      expect(body).toContain(title);
    }
  });
});
