import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";

/** Repository root, so entries resolve the same from `cdk synth` and from the tests. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface NodeLambdaProps {
  /** Entry file relative to the repository root, e.g. `functions/api/handler.ts` (exports `handler`). */
  readonly entry: string;
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly description?: string;
  /** Caps (and guarantees) concurrent executions; unset shares the account's pool. */
  readonly reservedConcurrency?: number;
  /**
   * Secrets Manager secrets the function reads (functions/aws/secrets-extension.ts): each is
   * granted to its role, and the Parameters and Secrets extension layer is added to read them.
   */
  readonly readsSecrets?: readonly secretsmanager.ISecret[];
}

/**
 * The AWS Parameters and Secrets Lambda Extension, arm64 build (CDK picks the region's layer
 * ARN). Its call to Secrets Manager times out before the function's call to it does
 * (EXTENSION_TIMEOUT_MS), so the function logs the extension's own error.
 */
export const secretsExtension = () =>
  lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
    cacheEnabled: true,
    // A function reads its secret once per execution environment, so the cache matters little;
    // 5 minutes (the maximum) bounds how long a new environment can get a rotated-out value.
    secretsManagerTtl: Duration.minutes(5),
    secretsManagerTimeout: Duration.seconds(3),
    logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
  });

/**
 * The function's code: infra/bundle.ts run on `entry` at synth, the one bundling configuration
 * `npm run bench` measures too (esbuild with the project's plugin, which NodejsFunction cannot
 * take). The asset is hashed by its output, so the repository is never fingerprinted or copied.
 */
function bundledCode(entry: string): lambda.Code {
  const script = "infra/bundle.ts";
  return lambda.Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always runs (esbuild and tsx are dev dependencies, there
      // wherever `cdk synth` runs) or fails the synth. The command names the entry, which keeps
      // each function's asset apart in CDK's bundling cache.
      image: DockerImage.fromRegistry("public.ecr.aws/sam/build-nodejs22.x"),
      command: ["node", "--import", "tsx", script, entry, "/asset-output"],
      local: {
        tryBundle(outputDir) {
          execFileSync(process.execPath, ["--import", "tsx", script, entry, outputDir], {
            cwd: REPO_ROOT,
            stdio: ["ignore", "inherit", "inherit"],
          });
          return true;
        },
      },
    },
  });
}

/**
 * A TypeScript Lambda with the project's defaults: Node.js 22 on arm64, minified ESM bundle with
 * source maps (infra/bundle.ts), X-Ray tracing and its own log group and role. The API, the
 * theme-job worker, the scheduler and the mail functions all use it.
 */
export class NodeLambda extends Construct {
  readonly function: lambda.Function;
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

    this.function = new lambda.Function(this, "Function", {
      code: bundledCode(props.entry),
      handler: "index.handler",
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      paramsAndSecrets: props.readsSecrets?.length ? secretsExtension() : undefined,
      environment: {
        ...props.environment,
        NODE_OPTIONS: "--enable-source-maps",
        // Powertools (functions/lib/logger.ts, metrics.ts). Never log the event: it holds paths and tokens.
        POWERTOOLS_METRICS_NAMESPACE: "Groundswell",
        POWERTOOLS_LOGGER_LOG_EVENT: "false",
        POWERTOOLS_LOG_LEVEL: "INFO",
      },
    });

    for (const secret of props.readsSecrets ?? []) secret.grantRead(this.function);

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
