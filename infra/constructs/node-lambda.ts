import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

/** Repository root, so entries resolve the same from `cdk synth` and from the tests. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface NodeLambdaProps {
  /** Entry file relative to the repository root, e.g. `functions/api/handler.ts`. */
  readonly entry: string;
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly description?: string;
  /** Caps (and guarantees) concurrent executions; unset shares the account's pool. */
  readonly reservedConcurrency?: number;
}

/**
 * A TypeScript Lambda with the project's defaults: Node.js 22 on arm64, minified ESM bundle with
 * source maps, X-Ray tracing and its own log group and role. The API, the theme-job worker and the
 * scheduler all use it.
 */
export class NodeLambda extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NodeLambdaProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      // Operational logs only; nothing in them is worth keeping after the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: it may write to this one log group only.
    this.role = new iam.Role(this, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, "Function", {
      entry: path.join(REPO_ROOT, props.entry),
      handler: "handler",
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, "package-lock.json"),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        NODE_OPTIONS: "--enable-source-maps",
        // Powertools (functions/lib/logger.ts, metrics.ts). Never log the event: it holds paths and tokens.
        POWERTOOLS_METRICS_NAMESPACE: "Groundswell",
        POWERTOOLS_LOGGER_LOG_EVENT: "false",
        POWERTOOLS_LOG_LEVEL: "INFO",
      },
      bundling: {
        format: OutputFormat.ESM,
        target: "node22",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ["module", "main"],
        // The runtime ships AWS SDK v3; bundling it would only grow the package and the cold start.
        externalModules: ["@aws-sdk/*"],
        // CommonJS dependencies bundled into ESM still call require().
        banner: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
      },
    });

    Validations.of(this.function).acknowledge({
      id: "AwsSolutions-L1",
      reason: "The project pins Node.js 22 (LTS) for its Lambdas; a runtime upgrade is a deliberate change.",
    });
    Validations.of(this.role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: "X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.",
    });
  }
}
