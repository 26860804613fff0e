import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { Api } from "./constructs/api.js";
import { Data } from "./constructs/data.js";
import { Identity } from "./constructs/identity.js";
import { Web } from "./constructs/web.js";

export interface GroundswellStackProps extends StackProps {
  /** SvelteKit static build to upload; omitted on a clean clone, leaving the bucket empty. */
  readonly webBuildDir?: string;
  /** Extra browser origins allowed to call the API directly (the CloudFront site needs none). */
  readonly corsOrigins?: readonly string[];
  /** Cognito Plus tier with threat protection; see Identity. */
  readonly threatProtection?: boolean;
  /** Cognito hosted-domain prefix; defaults to groundswell-<account id>. */
  readonly authDomainPrefix?: string;
}

/**
 * Groundswell in one stack, one construct per concern. Later concerns (theme-job queue and
 * worker, the every-minute scheduler) join as further constructs fed by `data`.
 */
export class GroundswellStack extends Stack {
  readonly data: Data;
  readonly identity: Identity;
  readonly api: Api;
  readonly web: Web;

  constructor(scope: Construct, id: string, props: GroundswellStackProps = {}) {
    super(scope, id, props);

    this.data = new Data(this, "Data");
    // Web comes before Identity because the app client's redirect URLs are the site's URL;
    // the API is attached to the distribution once it exists.
    this.web = new Web(this, "Web", { buildDir: props.webBuildDir });
    this.identity = new Identity(this, "Identity", {
      webUrl: this.web.url,
      threatProtection: props.threatProtection,
      domainPrefix: props.authDomainPrefix,
    });
    this.api = new Api(this, "Api", {
      table: this.data.table,
      authorKeySecret: this.data.authorKeySecret,
      issuerUrl: this.identity.issuerUrl,
      clientId: this.identity.client.userPoolClientId,
      corsOrigins: props.corsOrigins,
    });
    this.web.addApi(this.api.url);

    new CfnOutput(this, "WebUrl", { value: this.web.url });
    new CfnOutput(this, "ApiUrl", { value: this.api.url });
    new CfnOutput(this, "UserPoolId", { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, "AuthDomainUrl", { value: this.identity.domain.baseUrl() });
    new CfnOutput(this, "TableName", { value: this.data.table.tableName });
  }
}
