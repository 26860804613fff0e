import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { NodeLambda } from "./node-lambda.js";

/** What the request path may do to the table; transactions need these same per-item actions. */
export const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
] as const;

/**
 * Routes anyone may call (functions/app.ts `publicPaths`, less the embedded default's dev login).
 * Every other route goes through the JWT authorizer first.
 */
export const PUBLIC_ROUTES = ["GET /api/health", "GET /api/openapi.json"] as const;

export interface ApiProps {
  readonly table: dynamodb.Table;
  readonly authorKeySecret: secretsmanager.ISecret;
  /** The shared Lambda settings (see runtime.ts). */
  readonly environment: Record<string, string>;
  /** Cognito: tokens must come from this issuer for this app client (JWT `aud` or `client_id`). */
  readonly jwt: { readonly issuer: string; readonly audience: string };
  /** Sent by CloudFront on every /api/* request; the handler refuses requests without it. */
  readonly originVerify: string;
  /**
   * The site's custom domain and an ACM certificate for it in the stack's region. With it the API
   * gets a regional custom domain of the same name (CloudFront forwards the viewer's Host) and the
   * execute-api endpoint is disabled, so CloudFront is the only way in.
   */
  readonly customDomain?: { readonly name: string; readonly certificateArn: string };
  /** Browser origins allowed to call the API directly; the CloudFront site is same-origin and needs none. */
  readonly corsOrigins?: readonly string[];
  /** Stage-wide steady-state requests per second and burst. */
  readonly throttle?: apigwv2.ThrottleSettings;
  /** Reserved concurrent executions for the API function (unset: none). */
  readonly reservedConcurrency?: number;
}

/**
 * The request path of the product: the Hono app on Lambda behind an HTTP API with a Cognito JWT
 * authorizer. Access log lines carry the route key, never the concrete path, source IP, user
 * agent or identity (DESIGN §3.1: no log line may link a person to a thought).
 */
export class Api extends Construct {
  readonly function: lambda.Function;
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** Host name CloudFront connects to for /api/*. */
  readonly originDomain: string;
  /** True when CloudFront must forward the viewer's Host header (custom domain mode). */
  readonly forwardsHost: boolean;
  readonly domainName?: apigwv2.DomainName;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    const handler = new NodeLambda(this, "Handler", {
      entry: "functions/api/handler.ts",
      description: "Groundswell HTTP API (Hono)",
      environment: {
        ...props.environment,
        ORIGIN_VERIFY: props.originVerify,
        POWERTOOLS_SERVICE_NAME: "api",
      },
      reservedConcurrency: props.reservedConcurrency,
      // The author-key secret, through the extension (functions/aws/secrets-extension.ts).
      readsSecrets: [props.authorKeySecret],
    });
    this.function = handler.function;
    // Item-level actions only: no Scan on any request path (DESIGN §6), no streams, no table admin.
    props.table.grant(this.function, ...TABLE_ACTIONS);

    const accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const corsOrigins = props.corsOrigins ?? [];
    if (props.customDomain) {
      this.domainName = new apigwv2.DomainName(this, "DomainName", {
        domainName: props.customDomain.name,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          "Certificate",
          props.customDomain.certificateArn,
        ),
      });
    }
    this.httpApi = new apigwv2.HttpApi(this, "HttpApi", {
      description: "Groundswell API",
      // The stage is added below so it can carry access logging and throttling.
      createDefaultStage: false,
      // Only a custom domain lets CloudFront reach the API without execute-api; see docs/deploy.md.
      disableExecuteApiEndpoint: Boolean(props.customDomain),
      corsPreflight: corsOrigins.length
        ? {
            allowOrigins: [...corsOrigins],
            allowMethods: [apigwv2.CorsHttpMethod.ANY],
            allowHeaders: ["authorization", "content-type", "idempotency-key"],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    this.stage = this.httpApi.addStage("DefaultStage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 200, burstLimit: 400 },
      domainMapping: this.domainName ? { domainName: this.domainName } : undefined,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            time: "$context.requestTime",
            // The route key ("ANY /api/{proxy+}"), never $context.path: a path can hold a thought id.
            route: "$context.routeKey",
            status: "$context.status",
            bytes: "$context.responseLength",
            latencyMs: "$context.responseLatency",
            integrationLatencyMs: "$context.integrationLatency",
            error: "$context.error.message",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    const integration = new HttpLambdaIntegration("Handler", this.function);
    const authorizer = new HttpJwtAuthorizer("Cognito", props.jwt.issuer, {
      jwtAudience: [props.jwt.audience],
      identitySource: ["$request.header.Authorization"],
    });
    this.httpApi.addRoutes({
      path: "/api/{proxy+}",
      methods: [apigwv2.HttpMethod.ANY],
      integration,
      authorizer,
    });
    for (const route of PUBLIC_ROUTES) {
      const [method, path] = route.split(" ") as [apigwv2.HttpMethod, string];
      for (const publicRoute of this.httpApi.addRoutes({ path, methods: [method], integration })) {
        Validations.of(publicRoute).acknowledge({
          id: "AwsSolutions-APIG4",
          reason:
            `${route} has no authorizer by design: it returns no data (health check, API description). ` +
            "Every other route has the Cognito JWT authorizer.",
        });
      }
    }

    if (this.domainName) {
      this.originDomain = this.domainName.regionalDomainName;
      this.forwardsHost = true;
    } else {
      // https://<id>.execute-api.<region>.amazonaws.com
      this.originDomain = `${this.httpApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
      this.forwardsHost = false;
    }

    const tableId = Stack.of(this).getLogicalId(props.table.node.defaultChild as dynamodb.CfnTable);
    Validations.of(handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason: "Queries run against the table's GSIs; the grant covers this table's indexes only.",
    });
  }
}
