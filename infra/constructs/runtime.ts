import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";

export interface RuntimeEnvironmentProps {
  readonly table: dynamodb.ITable;
  readonly authorKeySecret: secretsmanager.ISecret;
  /** Cognito user pool issuer (JWT `iss`). */
  readonly issuerUrl: string;
  /** Cognito app client id (JWT `aud`). */
  readonly clientId: string;
}

/**
 * What every Lambda's `servicesFromEnvironment()` (functions/aws/environment.ts) reads. Queue and
 * mail settings are added by ThemeJobs.grantEnqueue and Mail.grantSend to the functions that
 * use them.
 */
export function runtimeEnvironment(props: RuntimeEnvironmentProps): Record<string, string> {
  return {
    TABLE_NAME: props.table.tableName,
    JWT_ISSUER: props.issuerUrl,
    JWT_AUDIENCE: props.clientId,
    JWKS_URL: `${props.issuerUrl}/.well-known/jwks.json`,
    AUTHOR_KEY_SECRET_ARN: props.authorKeySecret.secretArn,
  };
}
