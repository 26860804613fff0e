import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { createTableInput } from "../../functions/db/create-table.js";
import { table } from "../../functions/db/table.js";
import { PUBLIC_ROUTES } from "../../infra/constructs/api.js";
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
let custom: Synth;

beforeAll(() => {
  plain = synth();
  custom = synth({
    domainName: "strategy.acme.test",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/site",
    apiCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/api",
  });
}, 600_000);

describe("Data", () => {
  it("builds the table's keys, attributes, GSIs and TTL from functions/db/table.ts", () => {
    const expected = createTableInput("ignored");
    plain.template.hasResourceProperties("AWS::DynamoDB::Table", {
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
    const [resource] = Object.values(plain.template.findResources("AWS::DynamoDB::Table"));
    const gsis = resource!.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(gsis.map((g) => g.IndexName)).toEqual(table.indexes.map((i) => i.name));
    expect(resource!.Properties.KeySchema.map((k: { AttributeName: string }) => k.AttributeName)).toEqual([
      table.partitionKey.name,
      table.sortKey.name,
    ]);
  });

  it("is on demand, point-in-time recoverable, deletion protected and retained", () => {
    plain.template.resourceCountIs("AWS::DynamoDB::Table", 1);
    plain.template.hasResource("AWS::DynamoDB::Table", {
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

  it("generates a 64-character author-key secret, retained with the table", () => {
    plain.template.hasResource("AWS::SecretsManager::Secret", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) }),
    });
  });
});

describe("Api", () => {
  it("runs the API handler on Node.js 22, arm64, with tracing, Powertools and the expected environment", () => {
    plain.template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp(`^${API}`),
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
          MAIL_QUEUE_URL: Match.anyValue(),
          APP_URL: Match.anyValue(),
          USER_POOL_ID: Match.anyValue(),
          ORIGIN_VERIFY: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: "api",
          POWERTOOLS_LOGGER_LOG_EVENT: "false",
        }),
      },
    });
    // Nothing reserved unless asked for (accounts with a 10-execution quota could not deploy).
    expect(lambdaNamed(plain.template, API).properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it("reads its secret through the Parameters and Secrets extension layer (arm64), not the SDK", () => {
    // Every function that reads the author key (functions/aws/secrets-extension.ts) has the layer.
    for (const name of [API, SCHEDULER, WORKER]) {
      const { properties } = lambdaNamed(plain.template, name);
      expect(JSON.stringify(properties.Layers), name).toMatch(/paramsandsecrets.*arm64|Arm64/i);
      expect(properties.Environment.Variables, name).toMatchObject({
        PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: "true",
        SECRETS_MANAGER_TTL: "300",
        SECRETS_MANAGER_TIMEOUT_MILLIS: "3000",
      });
    }
    // The mail functions read no secret and carry no layer.
    for (const name of [MAIL_WORKER, SUPPRESSION]) {
      expect(lambdaNamed(plain.template, name).properties.Layers, name).toBeUndefined();
    }
  });

  it("grants item-level DynamoDB actions on the table and its indexes, and reads the secret", () => {
    const statements = statementsOf(plain.template, API);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("dynamodb:")));
    expect(dynamo).toHaveLength(1);
    const tableId = logicalId(plain.template, "AWS::DynamoDB::Table");
    expect(dynamo[0]!.Resource).toEqual([arnOf(tableId), { "Fn::Join": ["", [arnOf(tableId), "/index/*"]] }]);
    const secretId = logicalId(plain.template, "AWS::SecretsManager::Secret");
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith("secretsmanager:")))).toEqual([
      expect.objectContaining({
        Action: expect.arrayContaining(["secretsmanager:GetSecretValue"]),
        Resource: { Ref: secretId },
      }),
    ]);
  });

  it("puts a Cognito JWT authorizer (issuer = the pool, audience = the web client) in front of the function", () => {
    const poolId = logicalId(plain.template, "AWS::Cognito::UserPool");
    const clientId = logicalId(plain.template, "AWS::Cognito::UserPoolClient");
    const authorizerId = logicalId(plain.template, "AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: {
          "Fn::Join": [
            "",
            [
              "https://cognito-idp.",
              { Ref: "AWS::Region" },
              ".",
              { Ref: "AWS::URLSuffix" },
              "/",
              { Ref: poolId },
            ],
          ],
        },
      },
    });
    const routes = Object.values(plain.template.findResources("AWS::ApiGatewayV2::Route")).map(
      (r) => r.Properties,
    );
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(["ANY /api/{proxy+}", ...PUBLIC_ROUTES].sort());
    for (const route of routes) {
      if ((PUBLIC_ROUTES as readonly string[]).includes(route.RouteKey)) {
        expect(route.AuthorizationType).toBe("NONE");
        expect(route.RouteKey).toMatch(/^GET /);
      } else {
        expect(route).toMatchObject({ AuthorizationType: "JWT", AuthorizerId: { Ref: authorizerId } });
      }
    }
  });

  it("logs through a throttled $default stage, by route key: no path, source IP, user agent or identity", () => {
    plain.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue() }),
    });
    const [stage] = Object.values(plain.template.findResources("AWS::ApiGatewayV2::Stage"));
    const format: string = stage!.Properties.AccessLogSettings.Format;
    expect(JSON.parse(format).route).toBe("$context.routeKey");
    expect(format).not.toMatch(/\$context\.path|sourceIp|userAgent|identity\.|authorizer\./);
  });

  it("without a custom domain keeps execute-api for CloudFront, which must send the origin-verify header", () => {
    plain.template.hasResourceProperties("AWS::ApiGatewayV2::Api", { DisableExecuteApiEndpoint: false });
    const [distribution] = Object.values(plain.template.findResources("AWS::CloudFront::Distribution"));
    const config = distribution!.Properties.DistributionConfig;
    const apiOrigin = config.Origins.find(
      (o: { Id: string }) => o.Id === config.CacheBehaviors[0].TargetOriginId,
    );
    const apiId = logicalId(plain.template, "AWS::ApiGatewayV2::Api");
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(`{"Ref":"${apiId}"},".execute-api."`);
    const header = apiOrigin.OriginCustomHeaders.find(
      (h: { HeaderName: string }) => h.HeaderName === "x-origin-verify",
    );
    // The same value the handler expects: the UUID at the end of the stack id.
    const expected = { "Fn::Select": [2, { "Fn::Split": ["/", { Ref: "AWS::StackId" }] }] };
    expect(header.HeaderValue).toEqual(expected);
    expect(lambdaNamed(plain.template, API).properties.Environment.Variables.ORIGIN_VERIFY).toEqual(expected);
  });

  it("with a custom domain disables the execute-api endpoint and serves the API on the site's own name", () => {
    custom.template.hasResourceProperties("AWS::ApiGatewayV2::Api", { DisableExecuteApiEndpoint: true });
    const domainId = logicalId(custom.template, "AWS::ApiGatewayV2::DomainName", {
      DomainName: "strategy.acme.test",
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/api" }),
      ],
    });
    custom.template.hasResourceProperties("AWS::ApiGatewayV2::ApiMapping", {
      DomainName: { Ref: domainId },
      Stage: Match.anyValue(),
    });
    const [distribution] = Object.values(custom.template.findResources("AWS::CloudFront::Distribution"));
    const config = distribution!.Properties.DistributionConfig;
    const behavior = config.CacheBehaviors[0];
    const apiOrigin = config.Origins.find((o: { Id: string }) => o.Id === behavior.TargetOriginId);
    expect(apiOrigin.DomainName).toEqual({ "Fn::GetAtt": [domainId, "RegionalDomainName"] });
    // The API's custom domain answers to the site's Host, so CloudFront forwards it.
    expect(behavior.OriginRequestPolicyId).toBe("216adef6-5c7f-47e4-b989-5492eafa07d3"); // Managed-AllViewer
    expect(resourceOf(custom.template, domainId).Type).toBe("AWS::ApiGatewayV2::DomainName");
  });
});
