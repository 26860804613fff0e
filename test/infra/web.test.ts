import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Match } from "aws-cdk-lib/assertions";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPA_ROUTING } from "../../infra/constructs/web.js";
import { INLINE_SCRIPT, logicalId, type Synth, synth } from "./synth.js";

let plain: Synth;
let custom: Synth;
let empty: string;

beforeAll(() => {
  plain = synth({ wafRateLimit: "2000" });
  custom = synth({
    domainName: "strategy.acme.test",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/site",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    hostedZoneName: "acme.test",
    webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/company/abc",
  });
  empty = mkdtempSync(path.join(tmpdir(), "groundswell-no-build-"));
}, 600_000);

afterAll(() => rmSync(empty, { recursive: true, force: true }));

/** The CSP as CloudFormation will render it, with tokens shown as {Ref}/{GetAtt} JSON. */
function sitePolicy(s: Synth): string {
  const policies = Object.values(s.template.findResources("AWS::CloudFront::ResponseHeadersPolicy"));
  const site = policies.find((p) => /web app/.test(p.Properties.ResponseHeadersPolicyConfig.Comment));
  const csp = site!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy;
  expect(csp.Override).toBe(true);
  const value = csp.ContentSecurityPolicy;
  return typeof value === "string"
    ? value
    : (value["Fn::Join"][1] as unknown[])
        .map((p) => (typeof p === "string" ? p : JSON.stringify(p)))
        .join("");
}

const directive = (csp: string, name: string) =>
  csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

describe("Content-Security-Policy", () => {
  it("allows scripts only from the site and the build's inline bootstrap, by its hash", () => {
    const hash = createHash("sha256").update(INLINE_SCRIPT).digest("base64");
    const csp = sitePolicy(plain);
    expect(directive(csp, "script-src")).toBe(`script-src 'self' 'sha256-${hash}'`);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(directive(csp, "default-src")).toBe("default-src 'self'");
    expect(directive(csp, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(csp, "object-src")).toBe("object-src 'none'");
    expect(directive(csp, "base-uri")).toBe("base-uri 'self'");
  });

  it("lets the app talk to itself and Cognito only (issuer and hosted-UI domain)", () => {
    const domainId = logicalId(plain.template, "AWS::Cognito::UserPoolDomain");
    expect(directive(sitePolicy(plain), "connect-src")).toBe(
      `connect-src 'self' https://cognito-idp.{"Ref":"AWS::Region"}.{"Ref":"AWS::URLSuffix"} ` +
        `https://{"Ref":"${domainId}"}.auth.{"Ref":"AWS::Region"}.amazoncognito.com`,
    );
  });

  it("sends the CSP with HSTS, nosniff, DENY framing and no referrer on the site, and a closed CSP on /api/*", () => {
    const [distribution] = Object.values(plain.template.findResources("AWS::CloudFront::Distribution"));
    const config = distribution!.Properties.DistributionConfig;
    const policies = plain.template.findResources("AWS::CloudFront::ResponseHeadersPolicy");
    const byId = (ref: { Ref: string }) => policies[ref.Ref]!.Properties.ResponseHeadersPolicyConfig;
    const site = byId(config.DefaultCacheBehavior.ResponseHeadersPolicyId);
    const api = byId(config.CacheBehaviors[0].ResponseHeadersPolicyId);
    for (const policy of [site, api]) {
      expect(policy.SecurityHeadersConfig).toMatchObject({
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: 63072000,
          IncludeSubdomains: true,
          Override: true,
        },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: "DENY", Override: true },
        ReferrerPolicy: { ReferrerPolicy: "no-referrer", Override: true },
      });
    }
    expect(api.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });
});

describe("Web", () => {
  it("sends /api/* to the HTTP API uncached, with all methods, and the rest to S3 through OAC", () => {
    plain.template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: "index.html",
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: "/api/*",
            AllowedMethods: cloudfront.AllowedMethods.ALLOW_ALL.methods,
            CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // Managed-CachingDisabled
            OriginRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac", // AllViewerExceptHostHeader
            ViewerProtocolPolicy: "https-only",
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({
          FunctionAssociations: [Match.objectLike({ EventType: "viewer-request" })],
        }),
        Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue() })]),
      }),
    });
  });

  it("serves index.html for client-side routes but leaves assets alone", () => {
    const route = new Function(`${SPA_ROUTING}; return handler;`)() as (e: unknown) => { uri: string };
    const rewrite = (uri: string) => route({ request: { uri } }).uri;
    expect(rewrite("/")).toBe("/index.html");
    expect(rewrite("/conversations/c1/rate")).toBe("/index.html");
    expect(rewrite("/_app/immutable/entry/start.js")).toBe("/_app/immutable/entry/start.js");
    expect(rewrite("/config.json")).toBe("/config.json");
  });

  it("deploys the build and a config.json written from the stack's Cognito values", () => {
    const [deployment] = Object.values(plain.template.findResources("Custom::CDKBucketDeployment"));
    expect(deployment!.Properties.SourceObjectKeys).toHaveLength(2); // the build, config.json
    const markers = JSON.stringify(deployment!.Properties.SourceMarkers);
    const poolId = logicalId(plain.template, "AWS::Cognito::UserPool");
    const clientId = logicalId(plain.template, "AWS::Cognito::UserPoolClient");
    const domainId = logicalId(plain.template, "AWS::Cognito::UserPoolDomain");
    expect(markers).toContain(`{"Ref":"${poolId}"}`); // issuer
    expect(markers).toContain(`{"Ref":"${clientId}"}`); // clientId
    expect(markers).toContain(`{"Ref":"${domainId}"}`); // logoutEndpoint
    expect(markers).toContain(".amazoncognito.com/logout");
    expect(deployment!.Properties).toMatchObject({ Prune: true, DistributionPaths: ["/*"] });
  });

  it("stops the synth with a clear message when the web build is missing", () => {
    expect(() => synth({}, { webBuildDir: empty })).toThrow(
      /No web build at .*Run `npm run build:web` first/,
    );
  });

  it("can put a rate-limiting WAF web ACL in front of CloudFront", () => {
    const aclId = logicalId(plain.template, "AWS::WAFv2::WebACL", {
      Scope: "CLOUDFRONT",
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { AggregateKeyType: "IP", Limit: 2000 } },
          VisibilityConfig: Match.objectLike({ SampledRequestsEnabled: false }),
        }),
      ],
    });
    plain.template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({ WebACLId: { "Fn::GetAtt": [aclId, "Arn"] } }),
    });
  });

  it("serves a custom domain with its certificate and TLS 1.2, writes the alias records, attaches a given ACL", () => {
    custom.template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        Aliases: ["strategy.acme.test"],
        ViewerCertificate: {
          AcmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/site",
          MinimumProtocolVersion: "TLSv1.2_2021",
          SslSupportMethod: "sni-only",
        },
        WebACLId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/company/abc",
      }),
    });
    for (const Type of ["A", "AAAA"]) {
      custom.template.hasResourceProperties("AWS::Route53::RecordSet", {
        Name: "strategy.acme.test.",
        Type,
        HostedZoneId: "Z0123456789ABCDEFGHIJ",
        AliasTarget: Match.objectLike({ HostedZoneId: Match.anyValue() }),
      });
    }
    custom.template.resourceCountIs("AWS::WAFv2::WebACL", 0);
  });
});
