import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
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

export interface ApiProps {
  readonly table: dynamodb.Table;
  readonly authorKeySecret: secretsmanager.ISecret;
  /** The shared Lambda settings (see runtime.ts). */
  readonly environment: Record<string, string>;
  /** Browser origins allowed to call the API directly; the CloudFront site is same-origin and needs none. */
  readonly corsOrigins?: readonly string[];
  /** Stage-wide steady-state requests per second and burst. */
  readonly throttle?: apigwv2.ThrottleSettings;
}

/**
 * The request path of the product: the Hono app on Lambda behind an HTTP API.
 * Access log lines carry no source IP, user agent or identity (DESIGN §3.1: no log line may link
 * a person to a thought).
 */
export class Api extends Construct {
  readonly function: NodejsFunction;
  readonly httpApi: apigwv2.HttpApi;
  /** Base URL of the HTTP API's `$default` stage, e.g. https://abc.execute-api.eu-west-1.amazonaws.com */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    const handler = new NodeLambda(this, "Handler", {
      entry: "functions/api/handler.ts",
      description: "Groundswell HTTP API (Hono)",
      environment: props.environment,
    });
    this.function = handler.function;
    // Item-level actions only: no Scan on any request path (DESIGN §6), no streams, no table admin.
    props.table.grant(this.function, ...TABLE_ACTIONS);
    props.authorKeySecret.grantRead(this.function);

    const accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const corsOrigins = props.corsOrigins ?? [];
    this.httpApi = new apigwv2.HttpApi(this, "HttpApi", {
      description: "Groundswell API",
      // The stage is added below so it can carry access logging and throttling.
      createDefaultStage: false,
      corsPreflight: corsOrigins.length
        ? {
            allowOrigins: [...corsOrigins],
            allowMethods: [apigwv2.CorsHttpMethod.ANY],
            allowHeaders: ["authorization", "content-type", "idempotency-key"],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    this.httpApi.addStage("DefaultStage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            time: "$context.requestTime",
            method: "$context.httpMethod",
            path: "$context.path",
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
    this.httpApi.addRoutes({
      path: "/api/{proxy+}",
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpLambdaIntegration("Handler", this.function),
    });
    this.url = this.httpApi.apiEndpoint;

    const tableId = Stack.of(this).getLogicalId(props.table.node.defaultChild as dynamodb.CfnTable);
    Validations.of(handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason: "Queries run against the table's GSIs; the grant covers this table's indexes only.",
    });
    Validations.of(this.httpApi).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "The Hono app verifies the Cognito JWT (issuer, audience, JWKS) and role groups on every " +
        "route itself, so the same code authorizes in AWS and in the embedded default.",
    });
  }
}
