import { Annotations, Duration, Validations } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as route53Targets from "aws-cdk-lib/aws-route53-targets";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";
import { ORIGIN_VERIFY_HEADER } from "../../functions/api/origin.js";
import { API_CSP, assertWebBuild, contentSecurityPolicy, inlineScriptHashes } from "../csp.js";
import { SiteDeployment } from "./site-deployment.js";

/** What the web app reads from /config.json (shape in /work/notes/CONTRACTS.md, reader web/src/lib/config.ts). */
export interface WebConfig {
  readonly oidc: {
    readonly issuer: string;
    readonly clientId: string;
    readonly scopes: string;
    readonly redirectPath: string;
    readonly postLogoutPath: string;
    /** Cognito's discovery document has no end_session_endpoint; its hosted UI's /logout is the one. */
    readonly logoutEndpoint?: string;
  };
  readonly apiBase: string;
}

export interface WebProps {
  /** Folder with the SvelteKit static build; synth stops with a clear message when it is missing. */
  readonly buildDir: string;
  /** Origins the app fetches from besides itself: the Cognito issuer and hosted UI (CSP connect-src). */
  readonly identityOrigins: readonly string[];
  readonly priceClass?: cloudfront.PriceClass;
  /** A custom domain with its us-east-1 certificate; with a hosted zone the alias records are written. */
  readonly customDomain?: {
    readonly name: string;
    readonly certificateArn: string;
    readonly hostedZone?: route53.IHostedZone;
  };
  /** Create a WAF web ACL with this per-IP rate limit (requests per 5 minutes). */
  readonly wafRateLimit?: number;
  /** Or attach this existing CloudFront web ACL. */
  readonly webAclArn?: string;
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

/** Headers both behaviours send besides the CSP: HSTS, no sniffing, no framing, no referrer. */
const securityHeaders = (csp: string): cloudfront.ResponseSecurityHeadersBehavior => ({
  contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
  contentTypeOptions: { override: true },
  frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
  // Paths hold conversation ids; links out of a context document must not carry them.
  referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
  strictTransportSecurity: {
    accessControlMaxAge: Duration.days(730),
    includeSubdomains: true,
    override: true,
  },
  // The legacy XSS auditor is itself an attack surface; CSP does its job.
  xssProtection: { protection: false, override: true },
});

const customHeaders: cloudfront.ResponseCustomHeadersBehavior = {
  customHeaders: [
    {
      header: "Permissions-Policy",
      value: "camera=(), microphone=(), geolocation=(), payment=()",
      override: true,
    },
    { header: "Cross-Origin-Opener-Policy", value: "same-origin", override: true },
  ],
};

/** The web front end: the static build in a private bucket behind CloudFront, which also fronts /api/*. */
export class Web extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** https://<site domain>, no trailing slash. */
  readonly url: string;
  readonly contentSecurityPolicy: string;
  readonly webAcl?: wafv2.CfnWebACL;
  private readonly buildDir: string;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    assertWebBuild(props.buildDir);
    this.buildDir = props.buildDir;

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

    this.contentSecurityPolicy = contentSecurityPolicy({
      scriptHashes: inlineScriptHashes(props.buildDir),
      connectSources: props.identityOrigins,
      formActions: props.identityOrigins,
    });
    const siteHeaders = new cloudfront.ResponseHeadersPolicy(this, "SiteHeaders", {
      comment: "Groundswell web app: CSP and security headers",
      securityHeadersBehavior: securityHeaders(this.contentSecurityPolicy),
      customHeadersBehavior: customHeaders,
    });

    const spaRouting = new cloudfront.Function(this, "SpaRouting", {
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const custom = props.customDomain;
    this.webAcl = props.wafRateLimit ? this.rateLimitAcl(props.wafRateLimit) : undefined;
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "Groundswell web app and API",
      defaultRootObject: "index.html",
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(custom && {
        domainNames: [custom.name],
        certificate: acm.Certificate.fromCertificateArn(this, "Certificate", custom.certificateArn),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
      webAclId: this.webAcl?.attrArn ?? props.webAclArn,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: siteHeaders,
        functionAssociations: [
          { function: spaRouting, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
    });
    this.url = `https://${custom?.name ?? this.distribution.distributionDomainName}`;

    if (custom?.hostedZone) {
      const target = route53.RecordTarget.fromAlias(new route53Targets.CloudFrontTarget(this.distribution));
      const recordName = `${custom.name}.`;
      new route53.ARecord(this, "AliasA", { zone: custom.hostedZone, recordName, target });
      new route53.AaaaRecord(this, "AliasAAAA", { zone: custom.hostedZone, recordName, target });
    }

    Validations.of(this.distribution).acknowledge(
      {
        id: "AwsSolutions-CFR1",
        reason: "Employees work from anywhere; access is controlled by sign-in, not geography.",
      },
      {
        id: "AwsSolutions-CFR3",
        reason:
          "CloudFront access logs record the viewer IP next to API paths that carry thought ids; " +
          "DESIGN §3.1 forbids any log line that can link a person to a thought.",
      },
    );
    if (!this.webAcl && !props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: "AwsSolutions-CFR2",
        reason:
          "WAF is optional (groundswell:wafRateLimit or groundswell:webAclArn): a web ACL costs a monthly " +
          "fee per install, while the API throttles per stage and a JWT authorizer guards every data route.",
      });
    }
    if (!custom) {
      Validations.of(this.distribution).acknowledge({
        id: "AwsSolutions-CFR4",
        reason:
          "The default *.cloudfront.net certificate cannot enforce a minimum TLS version; with " +
          "groundswell:domainName the distribution requires TLSv1.2_2021.",
      });
    }
  }

  /** Sends /api/* to the HTTP API uncached, with the origin-verify header the API handler checks. */
  addApi(api: {
    readonly originDomain: string;
    readonly forwardsHost: boolean;
    readonly originVerify: string;
  }) {
    const apiHeaders = new cloudfront.ResponseHeadersPolicy(this, "ApiHeaders", {
      comment: "Groundswell API: a CSP that forbids everything, and security headers",
      securityHeadersBehavior: securityHeaders(API_CSP),
      customHeadersBehavior: customHeaders,
    });
    this.distribution.addBehavior(
      "/api/*",
      new origins.HttpOrigin(api.originDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        customHeaders: { [ORIGIN_VERIFY_HEADER]: api.originVerify },
      }),
      {
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // The execute-api endpoint rejects a foreign Host; the API's custom domain needs the site's own.
        originRequestPolicy: api.forwardsHost
          ? cloudfront.OriginRequestPolicy.ALL_VIEWER
          : cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: apiHeaders,
      },
    );
  }

  /** Uploads the build and /config.json (written from stack values), then invalidates the cache. */
  deploy(config: WebConfig) {
    return new SiteDeployment(this, "Deployment", {
      buildDir: this.buildDir,
      config,
      bucket: this.bucket,
      distribution: this.distribution,
    });
  }

  /** A CloudFront-scope web ACL: one rate-based rule per client IP. CloudFront ACLs live in us-east-1. */
  private rateLimitAcl(limit: number) {
    Annotations.of(this).addInfo(
      "groundswell:wafRateLimit creates a CloudFront web ACL, which only us-east-1 accepts: deploy this " +
        "stack there, or create the ACL in us-east-1 yourself and pass groundswell:webAclArn.",
    );
    return new wafv2.CfnWebACL(this, "WebAcl", {
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: "groundswell-web",
        sampledRequestsEnabled: false,
      },
      rules: [
        {
          name: "rate-per-ip",
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: "IP", limit } },
          // Sampled requests would keep client IPs next to paths with thought ids (DESIGN §3.1).
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: "groundswell-rate-per-ip",
            sampledRequestsEnabled: false,
          },
        },
      ],
    });
  }
}
