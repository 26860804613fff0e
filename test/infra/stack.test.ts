import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as s3 from "aws-cdk-lib/aws-s3";
import { BUNDLING_STACKS } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTableInput } from "../../functions/db/create-table.js";
import { table } from "../../functions/db/table.js";
import { GROUPS } from "../../infra/constructs/identity.js";
import { SPA_ROUTING } from "../../infra/constructs/web.js";
import { GroundswellStack, type GroundswellStackProps } from "../../infra/stack.js";

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
        }),
      },
    });
  });

  it("grants DynamoDB actions only on the table and its indexes, never Scan or *", () => {
    const statements = Object.values(full.template.findResources("AWS::IAM::Policy")).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("dynamodb:")));
    expect(dynamo).toHaveLength(1);
    const [grant] = dynamo;
    expect([grant!.Action].flat()).not.toContain("dynamodb:Scan");
    expect(JSON.stringify(grant!.Resource)).not.toMatch(/"\*"/);
    const tableId = Object.keys(full.template.findResources("AWS::DynamoDB::Table"))[0];
    expect(grant!.Resource).toEqual([
      { "Fn::GetAtt": [tableId, "Arn"] },
      { "Fn::Join": ["", [{ "Fn::GetAtt": [tableId, "Arn"] }, "/index/*"]] },
    ]);

    const secretId = Object.keys(full.template.findResources("AWS::SecretsManager::Secret"))[0];
    const secretGrants = statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith("secretsmanager:")),
    );
    expect(secretGrants).toEqual([
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
    expect.arrayContaining(["WebUrl", "ApiUrl", "UserPoolId", "UserPoolClientId", "TableName"]),
  );
});
