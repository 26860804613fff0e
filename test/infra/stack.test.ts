import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, Duration, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as s3 from "aws-cdk-lib/aws-s3";
import { BUNDLING_STACKS } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTableInput } from "../../functions/db/create-table.js";
import { table } from "../../functions/db/table.js";
import { GROUPS } from "../../infra/constructs/identity.js";
import { Mail } from "../../infra/constructs/mail.js";
import { SPA_ROUTING } from "../../infra/constructs/web.js";
import { DEFAULT_MAIL_FROM, GroundswellStack, type GroundswellStackProps } from "../../infra/stack.js";

// Same feature flags as `cdk synth`, so the template under test is the one that deploys.
const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8"));

/** Synthesizes a stack the way infra/app.ts does, with cdk-nag registered as a validation plugin. */
function synth(props: GroundswellStackProps, { bundle = true } = {}) {
  // Skipping bundling leaves a placeholder asset; one bundled synth is proof enough.
  const app = new App({ context: { ...cdkJson.context, ...(bundle ? {} : { [BUNDLING_STACKS]: [] }) } });
  const stack = new GroundswellStack(app, "GroundswellStack", props);
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  // Throws if any plugin (cdk-nag included) reports an unacknowledged finding.
  const template = Template.fromStack(stack);
  return { template, nagViolations: nag.validateScope(stack).violations };
}

const describeFindings = (
  violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[],
) => violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(", ")}`);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const actionsOf = (s: Statement) => [s.Action].flat();

/** The function whose description starts with `description`, with its logical id. */
function lambdaNamed(template: Template, description: string) {
  const found = Object.entries(template.findResources("AWS::Lambda::Function")).filter(([, r]) =>
    String(r.Properties.Description ?? "").startsWith(description),
  );
  expect(found).toHaveLength(1);
  const [id, resource] = found[0]!;
  return { id, properties: resource.Properties };
}

/** Every statement of the policies attached to the function's role. */
function statementsOf(template: Template, description: string): Statement[] {
  const roleId = lambdaNamed(template, description).properties.Role["Fn::GetAtt"][0];
  return Object.values(template.findResources("AWS::IAM::Policy"))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const logicalId = (template: Template, type: string, props: Record<string, unknown> = {}) => {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const arnOf = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });
const API = "Groundswell HTTP API";
const WORKER = "Groundswell theme-run worker";
const SCHEDULER = "Groundswell scheduler";

let webBuild: string;
let full: ReturnType<typeof synth>;
let cleanClone: ReturnType<typeof synth>;

beforeAll(() => {
  webBuild = mkdtempSync(path.join(tmpdir(), "groundswell-web-"));
  writeFileSync(path.join(webBuild, "index.html"), "<!doctype html><title>Groundswell</title>");
  full = synth({ webBuildDir: webBuild });
  cleanClone = synth({}, { bundle: false });
}, 120_000);

afterAll(() => rmSync(webBuild, { recursive: true, force: true }));

describe("Data", () => {
  it("builds the table's keys, attributes, GSIs and TTL from functions/db/table.ts", () => {
    const expected = createTableInput("ignored");
    full.template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: expected.KeySchema,
      AttributeDefinitions: Match.arrayEquals(expected.AttributeDefinitions),
      GlobalSecondaryIndexes: Match.arrayEquals(
        expected.GlobalSecondaryIndexes.map((gsi) => ({
          IndexName: gsi.IndexName,
          KeySchema: gsi.KeySchema,
          Projection: gsi.Projection,
        })),
      ),
      TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
    });
    // The same object the embedded default's bootstrap creates, and the declaration's own names.
    const [resource] = Object.values(full.template.findResources("AWS::DynamoDB::Table"));
    const gsis = resource!.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(gsis.map((g) => g.IndexName)).toEqual(table.indexes.map((i) => i.name));
    expect(resource!.Properties.KeySchema.map((k: { AttributeName: string }) => k.AttributeName)).toEqual([
      table.partitionKey.name,
      table.sortKey.name,
    ]);
  });

  it("is on demand, point-in-time recoverable, deletion protected and retained", () => {
    full.template.resourceCountIs("AWS::DynamoDB::Table", 1);
    full.template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it("generates a 64-character author-key secret", () => {
    full.template.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });
});

describe("Api", () => {
  it("runs the API handler on Node.js 22, arm64, with tracing and the expected environment", () => {
    full.template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      MemorySize: 512,
      Timeout: 10,
      TracingConfig: { Mode: "Active" },
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: Match.anyValue(),
          JWT_ISSUER: Match.anyValue(),
          JWT_AUDIENCE: Match.anyValue(),
          JWKS_URL: Match.anyValue(),
          AUTHOR_KEY_SECRET_ARN: Match.anyValue(),
          THEME_JOB_QUEUE_URL: Match.anyValue(),
          MAIL_FROM: DEFAULT_MAIL_FROM,
          APP_URL: Match.anyValue(),
        }),
      },
    });
  });

  it("grants item-level DynamoDB actions on the table and its indexes, and reads the secret", () => {
    const statements = statementsOf(full.template, API);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("dynamodb:")));
    expect(dynamo).toHaveLength(1);
    const tableId = logicalId(full.template, "AWS::DynamoDB::Table");
    expect(dynamo[0]!.Resource).toEqual([arnOf(tableId), { "Fn::Join": ["", [arnOf(tableId), "/index/*"]] }]);
    const secretId = logicalId(full.template, "AWS::SecretsManager::Secret");
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith("secretsmanager:")))).toEqual([
      expect.objectContaining({
        Action: expect.arrayContaining(["secretsmanager:GetSecretValue"]),
        Resource: { Ref: secretId },
      }),
    ]);
  });

  it("routes /api/{proxy+} to the function through a logged, throttled $default stage", () => {
    full.template.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "ANY /api/{proxy+}" });
    full.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue() }),
    });
  });

  it("keeps source IPs and user agents out of the access log (DESIGN §3.1)", () => {
    const [stage] = Object.values(full.template.findResources("AWS::ApiGatewayV2::Stage"));
    const format: string = stage!.Properties.AccessLogSettings.Format;
    expect(format).not.toMatch(/sourceIp|userAgent|identity\.|authorizer\./);
  });
});

describe("Identity", () => {
  it("creates the role groups", () => {
    for (const groupName of GROUPS) {
      full.template.hasResourceProperties("AWS::Cognito::UserPoolGroup", { GroupName: groupName });
    }
  });

  it("admin-provisioned pool with a public PKCE client", () => {
    full.template.hasResourceProperties("AWS::Cognito::UserPool", {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ["email"],
      MfaConfiguration: "OPTIONAL",
    });
    full.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      GenerateSecret: false,
      AllowedOAuthFlows: ["code"],
      ExplicitAuthFlows: Match.arrayWith(["ALLOW_USER_SRP_AUTH"]),
    });
  });
});

describe("Web", () => {
  it("sends /api/* to the HTTP API uncached, with all methods", () => {
    full.template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: "index.html",
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: "/api/*",
            AllowedMethods: cloudfront.AllowedMethods.ALLOW_ALL.methods,
            CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // Managed-CachingDisabled
            OriginRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac", // AllViewerExceptHostHeader
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({
          FunctionAssociations: [Match.objectLike({ EventType: "viewer-request" })],
        }),
        Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue() })]),
      }),
    });
  });

  it("points the /api/* behaviour at the HTTP API's endpoint", () => {
    const [distribution] = Object.values(full.template.findResources("AWS::CloudFront::Distribution"));
    const config = distribution!.Properties.DistributionConfig;
    const apiOrigin = config.Origins.find(
      (o: { Id: string }) => o.Id === config.CacheBehaviors[0].TargetOriginId,
    );
    const apiId = Object.keys(full.template.findResources("AWS::ApiGatewayV2::Api"))[0];
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(`"${apiId}","ApiEndpoint"`);
  });

  it("serves index.html for client-side routes but leaves assets alone", () => {
    const route = new Function(`${SPA_ROUTING}; return handler;`)() as (e: unknown) => { uri: string };
    const rewrite = (uri: string) => route({ request: { uri } }).uri;
    expect(rewrite("/")).toBe("/index.html");
    expect(rewrite("/conversations/c1/rate")).toBe("/index.html");
    expect(rewrite("/_app/immutable/entry/start.js")).toBe("/_app/immutable/entry/start.js");
    expect(rewrite("/favicon.svg")).toBe("/favicon.svg");
  });

  it("deploys the web build only when one exists", () => {
    full.template.resourceCountIs("Custom::CDKBucketDeployment", 1);
    cleanClone.template.resourceCountIs("Custom::CDKBucketDeployment", 0);
  });
});

describe("ThemeJobs", () => {
  const queueId = () => logicalId(full.template, "AWS::SQS::Queue", { RedrivePolicy: Match.anyValue() });
  const dlqId = () =>
    full.template.toJSON().Resources[queueId()].Properties.RedrivePolicy.deadLetterTargetArn["Fn::GetAtt"][0];

  it("queues runs with SSE and moves a message to a 14-day DLQ after 3 deliveries", () => {
    full.template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId()), maxReceiveCount: 3 },
    });
    const dlq = full.template.toJSON().Resources[dlqId()];
    expect(dlq.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it("refuses every request that is not over TLS, on every queue", () => {
    const queues = Object.keys(full.template.findResources("AWS::SQS::Queue"));
    expect(queues).toHaveLength(3); // theme jobs, their DLQ, the scheduler target's DLQ
    for (const id of queues) {
      full.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
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
    const worker = lambdaNamed(full.template, WORKER);
    full.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: arnOf(queueId()),
      FunctionName: { Ref: worker.id },
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });

  it("sizes the worker for minutes of clustering, hidden from other consumers 6x as long", () => {
    const worker = lambdaNamed(full.template, WORKER).properties;
    expect(worker.MemorySize).toBeGreaterThanOrEqual(1024);
    expect(worker.MemorySize).toBeLessThanOrEqual(2048);
    expect(worker.Timeout).toBeGreaterThanOrEqual(Duration.minutes(5).toSeconds());
    expect(worker.Timeout).toBeLessThanOrEqual(Duration.minutes(15).toSeconds());
    const queue = full.template.toJSON().Resources[queueId()].Properties;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Timeout);
    // Small, and the poller never sends more than is reserved (a throttle would count as a delivery).
    expect(worker.ReservedConcurrentExecutions).toBeLessThanOrEqual(5);
    const [mapping] = Object.values(full.template.findResources("AWS::Lambda::EventSourceMapping"));
    expect(mapping!.Properties.ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(
      worker.ReservedConcurrentExecutions,
    );
  });

  it("alarms as soon as a message reaches the DLQ", () => {
    full.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [dlqId(), "QueueName"] } }],
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0,
      EvaluationPeriods: 1,
    });
  });
});

describe("Scheduler", () => {
  it("runs the scheduler every minute, without retries, with a DLQ for the target", () => {
    const scheduler = lambdaNamed(full.template, SCHEDULER);
    const [rule] = Object.values(full.template.findResources("AWS::Events::Rule"));
    expect(rule!.Properties.ScheduleExpression).toBe("rate(1 minute)");
    expect(rule!.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: arnOf(scheduler.id),
        RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 0 }),
        DeadLetterConfig: { Arn: { "Fn::GetAtt": [expect.any(String), "Arn"] } },
      }),
    ]);
    // Lambda's own async retries are off too: the next minute's run is the retry.
    full.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: scheduler.id },
      MaximumRetryAttempts: 0,
    });
  });

  it("lets only this rule put events in the target's DLQ, and alarms on it", () => {
    const [rule] = Object.entries(full.template.findResources("AWS::Events::Rule"));
    const dlqId = rule![1].Properties.Targets[0].DeadLetterConfig.Arn["Fn::GetAtt"][0];
    full.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
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
    full.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [dlqId, "QueueName"] } }],
      Threshold: 0,
    });
  });

  it("alarms when the scheduler itself fails five minutes in a row", () => {
    full.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: lambdaNamed(full.template, SCHEDULER).id } }],
      Threshold: 0,
      EvaluationPeriods: 5,
    });
  });

  it("stops before a due item's 5-minute claim could be taken over", () => {
    expect(lambdaNamed(full.template, SCHEDULER).properties.Timeout).toBeLessThan(5 * 60);
  });
});

describe("least privilege", () => {
  const tableArn = () => arnOf(logicalId(full.template, "AWS::DynamoDB::Table"));
  const indexArn = (name: string) => ({ "Fn::Join": ["", [tableArn(), `/index/${name}`]] });
  const dynamoOf = (description: string) =>
    statementsOf(full.template, description).filter((s) =>
      actionsOf(s).some((a) => a.startsWith("dynamodb:")),
    );

  it("no function may Scan or use dynamodb:*", () => {
    const all = Object.values(full.template.findResources("AWS::IAM::Policy")).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    const actions = all.flatMap(actionsOf);
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

  it("only the API and the scheduler may send to the theme-job queue, and to nothing else", () => {
    const queueId = logicalId(full.template, "AWS::SQS::Queue", { RedrivePolicy: Match.anyValue() });
    for (const fn of [API, SCHEDULER]) {
      const sends = statementsOf(full.template, fn).filter((s) => actionsOf(s).includes("sqs:SendMessage"));
      expect(sends).toEqual([
        expect.objectContaining({ Action: "sqs:SendMessage", Resource: arnOf(queueId) }),
      ]);
      expect(lambdaNamed(full.template, fn).properties.Environment.Variables.THEME_JOB_QUEUE_URL).toEqual({
        Ref: queueId,
      });
    }
    const workerSqs = statementsOf(full.template, WORKER)
      .flatMap(actionsOf)
      .filter((a) => a.startsWith("sqs:"));
    expect(workerSqs).not.toContain("sqs:SendMessage");
    expect(workerSqs.sort()).toEqual([
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:ReceiveMessage",
    ]);
  });

  it("every function reads the author-key secret through the shared bootstrap, and only that secret", () => {
    const secretId = logicalId(full.template, "AWS::SecretsManager::Secret");
    for (const fn of [API, WORKER, SCHEDULER]) {
      const reads = statementsOf(full.template, fn).filter((s) =>
        actionsOf(s).some((a) => a.startsWith("secretsmanager:")),
      );
      expect(reads).toEqual([expect.objectContaining({ Resource: { Ref: secretId } })]);
    }
  });
});

describe("Mail", () => {
  it("verifies the default sender and lets only the API and the scheduler send as it", () => {
    const identityId = logicalId(full.template, "AWS::SES::EmailIdentity", {
      EmailIdentity: DEFAULT_MAIL_FROM,
    });
    const sesStatements = Object.values(full.template.findResources("AWS::IAM::Policy"))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => actionsOf(s).some((a) => a.startsWith("ses:")));
    expect(sesStatements).toHaveLength(2);
    for (const fn of [API, SCHEDULER]) {
      const [grant, ...more] = statementsOf(full.template, fn).filter((s) =>
        actionsOf(s).some((a) => a.startsWith("ses:")),
      );
      expect(more).toEqual([]);
      expect(grant!.Action).toBe("ses:SendEmail");
      expect(grant!.Resource).toEqual({
        "Fn::Join": [
          "",
          [
            "arn:",
            { Ref: "AWS::Partition" },
            ":ses:",
            { Ref: "AWS::Region" },
            ":",
            { Ref: "AWS::AccountId" },
            ":identity/",
            { Ref: identityId },
          ],
        ],
      });
      // Links in messages point at the CloudFront site.
      expect(lambdaNamed(full.template, fn).properties.Environment.Variables).toMatchObject({
        MAIL_FROM: DEFAULT_MAIL_FROM,
        APP_URL: { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [expect.any(String), "DomainName"] }]] },
      });
    }
  });

  it("verifies a configured sender and rejects a non-address at synth", () => {
    const stack = new Stack(new App(), "MailOnly");
    new Mail(stack, "Mail", { from: "people@acme.test", appUrl: "https://app.acme.test" });
    Template.fromStack(stack).hasResourceProperties("AWS::SES::EmailIdentity", {
      EmailIdentity: "people@acme.test",
    });
    expect(() => new Mail(new Stack(), "Bad", { from: "not-an-address", appUrl: "https://x.test" })).toThrow(
      /Not an email address/,
    );
  });
});

describe("cdk-nag AwsSolutions", () => {
  it("has no unacknowledged findings, with or without a web build", () => {
    expect(describeFindings(full.nagViolations)).toEqual([]);
    expect(describeFindings(cleanClone.nagViolations)).toEqual([]);
  });

  it("does report findings, so the empty list above means something", () => {
    const stack = new Stack(new App(), "Bare");
    new s3.Bucket(stack, "Unlogged");
    const names = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(names).toContain("AwsSolutions-S1");
  });
});

it("outputs what the web app and operators need", () => {
  const outputs = Object.keys(full.template.findOutputs("*"));
  expect(outputs).toEqual(
    expect.arrayContaining([
      "WebUrl",
      "ApiUrl",
      "UserPoolId",
      "UserPoolClientId",
      "TableName",
      "ThemeJobDeadLetterQueueUrl",
      "MailFrom",
    ]),
  );
});
