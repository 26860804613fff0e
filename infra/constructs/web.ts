import { Duration, Fn, Validations } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { SiteDeployment } from "./site-deployment.js";

export interface WebProps {
  /** Folder with the SvelteKit static build; without it the bucket is created empty. */
  readonly buildDir?: string;
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * SPA fallback as a viewer-request function rather than distribution-wide 403/404 error
 * responses: those would also rewrite the API's own 403/404 problem documents into index.html.
 * Anything whose last path segment has no file extension is a client-side route.
 */
export const SPA_ROUTING = `function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) request.uri = "/index.html";
  return request;
}`;

/** The web front end: the static build in a private bucket behind CloudFront, which also fronts /api/*. */
export class Web extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** https://<distribution domain>, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebProps = {}) {
    super(scope, id);

    const accessLogs = new s3.Bucket(this, "AccessLogs", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This is the server access log bucket; logging it would log itself.",
    });

    this.bucket = new s3.Bucket(this, "Bucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "web/",
    });

    const spaRouting = new cloudfront.Function(this, "SpaRouting", {
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "Groundswell web app and API",
      defaultRootObject: "index.html",
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [
          { function: spaRouting, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    if (props.buildDir) {
      new SiteDeployment(this, "Deployment", {
        buildDir: props.buildDir,
        bucket: this.bucket,
        distribution: this.distribution,
      });
    }

    Validations.of(this.distribution).acknowledge(
      {
        id: "AwsSolutions-CFR1",
        reason: "Employees work from anywhere; access is controlled by sign-in, not geography.",
      },
      {
        id: "AwsSolutions-CFR2",
        reason:
          "WAF is optional: a web ACL costs a monthly fee per install, the API throttles per stage and " +
          "verifies Cognito JWTs itself. Attach a company web ACL if policy requires one.",
      },
      {
        id: "AwsSolutions-CFR3",
        reason:
          "CloudFront access logs record the viewer IP next to API paths that carry thought ids; " +
          "DESIGN §3.1 forbids any log line that can link a person to a thought.",
      },
      {
        id: "AwsSolutions-CFR4",
        reason:
          "The default *.cloudfront.net certificate cannot enforce TLS 1.2; set a minimum protocol " +
          "version together with a custom domain and certificate.",
      },
    );
  }

  /** Sends /api/* to the HTTP API uncached, with every viewer header except Host. */
  addApi(apiUrl: string) {
    const apiDomain = Fn.select(2, Fn.split("/", apiUrl));
    this.distribution.addBehavior(
      "/api/*",
      new origins.HttpOrigin(apiDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      {
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // API Gateway rejects requests whose Host is not its own domain.
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
    );
  }
}
