import { App, Stack } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import * as kms from "aws-cdk-lib/aws-kms";
import { beforeAll, describe, expect, it } from "vitest";
import { MAIL_BATCH_SIZE, MAIL_WORKERS, Mail } from "../../infra/constructs/mail.js";
import { DEFAULT_MAIL_FROM } from "../../infra/stack.js";
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
let domain: Synth;
let zoned: Synth;

beforeAll(() => {
  plain = synth();
  domain = synth({ mailDomain: "acme.test", mailSendRate: "10", cognitoMailThroughSes: "true" });
  zoned = synth({
    mailDomain: "mail.acme.test",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    hostedZoneName: "acme.test",
  });
}, 600_000);

const dkimOutputs = (s: Synth) =>
  Object.fromEntries(
    Object.entries(s.template.findOutputs("*")).filter(([id]) => id.startsWith("DkimRecord")),
  );

const sesArn = (kind: string, ref: unknown) => ({
  "Fn::Join": [
    "",
    [
      "arn:",
      { Ref: "AWS::Partition" },
      `:ses:`,
      { Ref: "AWS::Region" },
      ":",
      { Ref: "AWS::AccountId" },
      `:${kind}/`,
      ref,
    ],
  ],
});

describe("SES identity", () => {
  it("verifies a domain with Easy DKIM and outputs the three CNAMEs when the stack has no zone for it", () => {
    const configSetId = logicalId(domain.template, "AWS::SES::ConfigurationSet");
    domain.template.hasResourceProperties("AWS::SES::EmailIdentity", {
      EmailIdentity: "acme.test",
      DkimAttributes: { SigningEnabled: true },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configSetId } },
    });
    const outputs = dkimOutputs(domain);
    expect(Object.keys(outputs)).toHaveLength(3);
    expect(JSON.stringify(outputs)).toContain("DkimDNSTokenName1");
    expect(lambdaNamed(domain.template, MAIL_WORKER).properties.Environment.Variables.MAIL_FROM).toBe(
      "groundswell@acme.test",
    );
  });

  it("writes the DKIM CNAMEs into the hosted zone when it has one", () => {
    for (const n of [1, 2, 3]) {
      zoned.template.hasResourceProperties("AWS::Route53::RecordSet", {
        HostedZoneId: "Z0123456789ABCDEFGHIJ",
        Type: "CNAME",
        Name: { "Fn::GetAtt": [Match.anyValue(), `DkimDNSTokenName${n}`] },
        ResourceRecords: [{ "Fn::GetAtt": [Match.anyValue(), `DkimDNSTokenValue${n}`] }],
      });
    }
    expect(Object.keys(dkimOutputs(zoned))).toHaveLength(0);
  });

  it("falls back to one verified address, and rejects a non-address at synth", () => {
    plain.template.hasResourceProperties("AWS::SES::EmailIdentity", { EmailIdentity: DEFAULT_MAIL_FROM });
    const stack = new Stack(new App(), "MailOnly");
    const key = new kms.Key(stack, "Key");
    expect(() => new Mail(stack, "Bad", { from: "not-an-address", sendRate: 1, key })).toThrow(
      /Not an email address/,
    );
    expect(() => synth({ mailDomain: "acme.test", mailFrom: "people@other.test" })).toThrow(
      /must be an address in mailDomain/,
    );
  });

  it("suppresses bounces and complaints in the configuration set and publishes them to an encrypted topic", () => {
    const configSetId = logicalId(plain.template, "AWS::SES::ConfigurationSet", {
      SuppressionOptions: { SuppressedReasons: ["BOUNCE", "COMPLAINT"] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    const topicId = logicalId(plain.template, "AWS::SNS::Topic", {
      DisplayName: "Groundswell mail bounces and complaints",
    });
    expect(resourceOf(plain.template, topicId).Properties.KmsMasterKeyId).toBeDefined();
    plain.template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      ConfigurationSetName: { Ref: configSetId },
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(["bounce", "complaint"]),
        SnsDestination: { TopicARN: { Ref: topicId } },
      }),
    });
    // The suppression handler is subscribed, with a DLQ for events it keeps failing on.
    plain.template.hasResourceProperties("AWS::SNS::Subscription", {
      TopicArn: { Ref: topicId },
      Protocol: "lambda",
      Endpoint: arnOf(lambdaNamed(plain.template, SUPPRESSION).id),
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    const ses = statementsOf(plain.template, SUPPRESSION)
      .flatMap(actionsOf)
      .filter((a) => a.startsWith("ses:"));
    expect(ses).toEqual(["ses:PutSuppressedDestination"]);
  });

  it("sends Cognito's own mail through the verified domain once asked to", () => {
    const configSetId = logicalId(domain.template, "AWS::SES::ConfigurationSet");
    domain.template.hasResourceProperties("AWS::Cognito::UserPool", {
      EmailConfiguration: {
        EmailSendingAccount: "DEVELOPER",
        From: "Groundswell <groundswell@acme.test>",
        SourceArn: Match.anyValue(),
        ConfigurationSet: { Ref: configSetId },
      },
    });
    const [pool] = Object.values(domain.template.findResources("AWS::Cognito::UserPool"));
    expect(JSON.stringify(pool!.Properties.EmailConfiguration.SourceArn)).toContain(":identity/acme.test");
    // Not before: Cognito refuses an identity SES has not verified yet.
    const [plainPool] = Object.values(plain.template.findResources("AWS::Cognito::UserPool"));
    expect(plainPool!.Properties.EmailConfiguration?.EmailSendingAccount ?? "COGNITO_DEFAULT").toBe(
      "COGNITO_DEFAULT",
    );
  });
});

describe("mail queue", () => {
  const mailQueueId = (s: Synth) =>
    logicalId(s.template, "AWS::SQS::Queue", { RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }) });

  it("retries a failed send through the queue, then keeps it 14 days in a DLQ", () => {
    const queue = resourceOf(plain.template, mailQueueId(plain)).Properties;
    const dlq = resourceOf(
      plain.template,
      queue.RedrivePolicy.deadLetterTargetArn["Fn::GetAtt"][0],
    ).Properties;
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const worker = lambdaNamed(plain.template, MAIL_WORKER);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.properties.Timeout);
    plain.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: arnOf(mailQueueId(plain)),
      FunctionName: { Ref: worker.id },
      BatchSize: MAIL_BATCH_SIZE,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: MAIL_WORKERS },
    });
  });

  it("paces the workers so that together they keep to mailSendRate", () => {
    const interval = (s: Synth) =>
      Number(lambdaNamed(s.template, MAIL_WORKER).properties.Environment.Variables.MAIL_SEND_INTERVAL_MS);
    // MAIL_WORKERS pollers, each one message per interval: rate = workers * 1000 / interval.
    expect((MAIL_WORKERS * 1000) / interval(plain)).toBeLessThanOrEqual(1); // default: the sandbox rate
    expect((MAIL_WORKERS * 1000) / interval(domain)).toBeLessThanOrEqual(10);
    expect((MAIL_WORKERS * 1000) / interval(domain)).toBeGreaterThan(9);
    // A full batch at that pace fits inside the timeout.
    const timeoutMs = lambdaNamed(plain.template, MAIL_WORKER).properties.Timeout * 1000;
    expect(interval(plain) * MAIL_BATCH_SIZE).toBeLessThan(timeoutMs);
  });

  it("only the mail worker sends through SES, as the identity and through the configuration set", () => {
    const identityId = logicalId(plain.template, "AWS::SES::EmailIdentity");
    const configSetId = logicalId(plain.template, "AWS::SES::ConfigurationSet");
    expect(
      statementsOf(plain.template, MAIL_WORKER).filter((s) => actionsOf(s).includes("ses:SendEmail")),
    ).toEqual([
      expect.objectContaining({
        Action: "ses:SendEmail",
        Resource: [
          sesArn("configuration-set", { Ref: configSetId }),
          sesArn("identity", { Ref: identityId }),
        ],
      }),
    ]);
    for (const fn of [API, SCHEDULER, WORKER]) {
      expect(
        statementsOf(plain.template, fn)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith("ses:")),
      ).toEqual([]);
    }
    expect(lambdaNamed(plain.template, MAIL_WORKER).properties.Environment.Variables).toMatchObject({
      MAIL_FROM: DEFAULT_MAIL_FROM,
      MAIL_CONFIGURATION_SET: { Ref: configSetId },
    });
  });

  it("links in messages point at the site", () => {
    for (const fn of [API, SCHEDULER]) {
      expect(lambdaNamed(plain.template, fn).properties.Environment.Variables.APP_URL).toEqual({
        "Fn::Join": [
          "",
          ["https://", { "Fn::GetAtt": [expect.stringMatching(/^WebDistribution/), "DomainName"] }],
        ],
      });
    }
  });
});
