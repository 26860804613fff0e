import { App, Stack } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { describeFindings, synth } from "./synth.js";

/** Every optional feature on at once, so each of their resources meets cdk-nag too. */
const everything = {
  adminEmail: "it-ops@acme.test",
  operatorEmail: "oncall@acme.test",
  samlMetadataUrl: "https://login.microsoftonline.com/t/federationmetadata/2007-06/federationmetadata.xml",
  mailDomain: "acme.test",
  hostedZoneId: "Z0123456789ABCDEFGHIJ",
  hostedZoneName: "acme.test",
  cognitoMailThroughSes: "true",
  mailSendRate: "14",
  domainName: "strategy.acme.test",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/site",
  wafRateLimit: "2000",
  apiReservedConcurrency: "40",
  threatProtection: "true",
  corsOrigins: "https://intranet.acme.test",
};

describe("cdk-nag AwsSolutions", () => {
  it("has no unacknowledged findings with the defaults (and the real bundles)", () => {
    expect(describeFindings(synth({}, { nag: true, bundle: true }).nagViolations)).toEqual([]);
  }, 600_000);

  it("has no unacknowledged findings with every option on", () => {
    expect(describeFindings(synth(everything, { nag: true }).nagViolations)).toEqual([]);
  }, 600_000);

  it("has no unacknowledged findings with OIDC federation", () => {
    const oidc = {
      oidcIssuer: "https://acme.okta.test",
      oidcClientId: "client",
      oidcClientSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:oidc-AbCdEf",
    };
    expect(describeFindings(synth(oidc, { nag: true }).nagViolations)).toEqual([]);
  }, 600_000);

  it("does report findings, so the empty lists above mean something", () => {
    const stack = new Stack(new App(), "Bare");
    new s3.Bucket(stack, "Unlogged");
    const names = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(names).toContain("AwsSolutions-S1");
  });
});

it("outputs what the web app and operators need", () => {
  const outputs = Object.keys(synth().template.findOutputs("*"));
  expect(outputs).toEqual(
    expect.arrayContaining([
      "WebUrl",
      "UserPoolId",
      "UserPoolClientId",
      "AuthDomainUrl",
      "SsoRedirectUrl",
      "SsoAudience",
      "TableName",
      "ThemeJobDeadLetterQueueUrl",
      "MailDeadLetterQueueUrl",
      "MailFrom",
      "AlarmTopicArn",
      "DashboardName",
    ]),
  );
}, 600_000);
