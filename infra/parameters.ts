import * as z from "zod";

/**
 * Every deployment parameter, declared once: `infra/app.ts` reads them from CDK context
 * (`-c groundswell:<name>=…` or cdk.json), `npm run deploy -- --help` lists them, and
 * `npm run deploy -- --<flag> …` turns flags into that context. docs/deploy.md explains each.
 */
export interface Parameter {
  /** Context key after `groundswell:`. */
  readonly name: string;
  /** The deploy script's flag, e.g. `--admin-email`. */
  readonly flag: string;
  readonly group: "basics" | "mail" | "sso" | "domain" | "edge" | "capacity";
  readonly summary: string;
  readonly example?: string;
  readonly schema: z.ZodType;
}

const email = z.email("must be an email address, e.g. ada@example.com");
const hostname = z
  .string()
  .regex(/^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$/i, "must be a domain name, e.g. example.com");
const httpsUrl = z.url({ protocol: /^https$/, error: "must be an https:// URL" });
const arn = (service: string) =>
  z
    .string()
    .regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN (arn:aws:${service}:…)`);
/** Context arrives as a string from `-c key=value` and as JSON from cdk.json. */
const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.union([
  z.array(z.string()),
  z.string().transform((s) =>
    s
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ),
]);

const parameter = (
  name: string,
  group: Parameter["group"],
  summary: string,
  schema: z.ZodType,
  example?: string,
): Parameter => ({
  name,
  flag: `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
  group,
  summary,
  schema,
  example,
});

export const PARAMETERS = [
  parameter(
    "adminEmail",
    "basics",
    "First admin: gets a Cognito user and an invitation with a temporary password, and is admin in the directory.",
    email,
    "it-ops@acme.com",
  ),
  parameter(
    "operatorEmail",
    "basics",
    "Receives alarm notifications (SNS email subscription; confirm the first message).",
    email,
    "oncall@acme.com",
  ),
  parameter(
    "authDomainPrefix",
    "basics",
    "Prefix of the Cognito hosted sign-in domain (<prefix>.auth.<region>.amazoncognito.com). Default groundswell-<account id>.",
    z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "lower-case letters, digits and hyphens"),
    "acme-groundswell",
  ),
  parameter(
    "threatProtection",
    "basics",
    "Cognito Plus tier with threat protection (billed per monthly active user). Default false.",
    bool,
    "true",
  ),
  parameter(
    "passwordSignIn",
    "sso",
    "Offer Cognito user-name/password sign-in beside SSO. Default true; the first admin needs it unless they sign in through SSO.",
    bool,
    "false",
  ),
  parameter(
    "ssoName",
    "sso",
    "Name of the SSO identity provider in Cognito, shown on the hosted UI's button. Default SSO.",
    z.string().regex(/^[\w.-]{3,32}$/, "3 to 32 letters, digits, '.', '_' or '-'"),
    "AcmeEntra",
  ),
  parameter(
    "samlMetadataUrl",
    "sso",
    "SAML 2.0 federation: the IdP's metadata document URL (Entra ID: App Federation Metadata Url; Okta: Metadata URL).",
    httpsUrl,
    "https://login.microsoftonline.com/<tenant>/federationmetadata/2007-06/federationmetadata.xml?appid=<app>",
  ),
  parameter(
    "oidcIssuer",
    "sso",
    "OpenID Connect federation: the IdP's issuer URL (…/.well-known/openid-configuration must exist below it).",
    httpsUrl,
    "https://acme.okta.com",
  ),
  parameter(
    "oidcClientId",
    "sso",
    "OpenID Connect federation: the client id registered at the IdP.",
    z.string().min(1).max(256),
  ),
  parameter(
    "oidcClientSecretArn",
    "sso",
    "OpenID Connect federation: Secrets Manager secret (plain text) holding the client secret.",
    arn("secretsmanager"),
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:groundswell/oidc-AbCdEf",
  ),
  parameter(
    "ssoEmailAttribute",
    "sso",
    "IdP attribute (SAML) or claim (OIDC) carrying the email address. Default: the SAML emailaddress claim URI, or email.",
    z.string().min(1).max(256),
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
  ),
  parameter(
    "mailDomain",
    "mail",
    "Domain mail is sent from: an SES domain identity with Easy DKIM. Without it mail uses mailFrom as a single verified address.",
    hostname,
    "acme.com",
  ),
  parameter(
    "mailFrom",
    "mail",
    "Sender address. Default groundswell@<mailDomain>; must be inside mailDomain when that is set.",
    email,
    "strategy@acme.com",
  ),
  parameter(
    "hostedZoneId",
    "mail",
    "Route 53 public hosted zone of mailDomain (and domainName): the stack then writes the DKIM (and site) records.",
    z.string().regex(/^Z[A-Z0-9]{4,32}$/, "a Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ"),
    "Z0123456789ABCDEFGHIJ",
  ),
  parameter(
    "hostedZoneName",
    "mail",
    "The hosted zone's domain name; required with hostedZoneId.",
    hostname,
    "acme.com",
  ),
  parameter(
    "cognitoMailThroughSes",
    "mail",
    "Send Cognito's own mail (invitations, codes) through the SES identity. Turn on once SES shows the identity verified.",
    bool,
    "true",
  ),
  parameter(
    "mailSendRate",
    "mail",
    "Messages per second the mail worker may send in all (keep at or below the account's SES send rate). Default 1 (the sandbox rate).",
    int(1, 500),
    "10",
  ),
  parameter(
    "domainName",
    "domain",
    "Custom site domain. Needs certificateArn; the API is then served only through CloudFront (execute-api endpoint disabled).",
    hostname,
    "strategy.acme.com",
  ),
  parameter(
    "certificateArn",
    "domain",
    "ACM certificate for domainName in us-east-1 (CloudFront requires that region).",
    arn("acm"),
    "arn:aws:acm:us-east-1:123456789012:certificate/…",
  ),
  parameter(
    "apiCertificateArn",
    "domain",
    "ACM certificate for domainName in the stack's own region, for the API's custom domain. Default certificateArn (right when deploying to us-east-1).",
    arn("acm"),
    "arn:aws:acm:eu-west-1:123456789012:certificate/…",
  ),
  parameter(
    "corsOrigins",
    "edge",
    "Extra browser origins allowed to call the API directly, comma-separated (the CloudFront site needs none).",
    list,
    "https://intranet.acme.com",
  ),
  parameter(
    "wafRateLimit",
    "edge",
    "Create a WAF web ACL on CloudFront that blocks an IP past this many requests per 5 minutes. The stack must be in us-east-1.",
    int(10, 2_000_000_000),
    "2000",
  ),
  parameter(
    "webAclArn",
    "edge",
    "Attach an existing CloudFront (global, us-east-1) WAF web ACL instead.",
    arn("wafv2"),
    "arn:aws:wafv2:us-east-1:123456789012:global/webacl/…",
  ),
  parameter(
    "apiReservedConcurrency",
    "capacity",
    "Reserve this many concurrent executions for the API (and 2 for each worker). Unset reserves none: see the quota note in docs/deploy.md.",
    int(1, 10_000),
    "50",
  ),
] as const satisfies readonly Parameter[];

export interface StackParameters {
  readonly adminEmail?: string;
  readonly operatorEmail?: string;
  readonly authDomainPrefix?: string;
  readonly threatProtection?: boolean;
  readonly passwordSignIn?: boolean;
  readonly ssoName?: string;
  readonly samlMetadataUrl?: string;
  readonly oidcIssuer?: string;
  readonly oidcClientId?: string;
  readonly oidcClientSecretArn?: string;
  readonly ssoEmailAttribute?: string;
  readonly mailDomain?: string;
  readonly mailFrom?: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  readonly cognitoMailThroughSes?: boolean;
  readonly mailSendRate?: number;
  readonly domainName?: string;
  readonly certificateArn?: string;
  readonly apiCertificateArn?: string;
  readonly corsOrigins?: readonly string[];
  readonly wafRateLimit?: number;
  readonly webAclArn?: string;
  readonly apiReservedConcurrency?: number;
}

export const CONTEXT_PREFIX = "groundswell:";

/** Combinations that no single parameter's check can catch. */
function crossChecks(p: StackParameters): string[] {
  const problems: string[] = [];
  if (p.samlMetadataUrl && p.oidcIssuer) problems.push("set samlMetadataUrl or oidcIssuer, not both");
  if (p.oidcIssuer && (!p.oidcClientId || !p.oidcClientSecretArn))
    problems.push("oidcIssuer needs oidcClientId and oidcClientSecretArn");
  if (!p.oidcIssuer && (p.oidcClientId || p.oidcClientSecretArn))
    problems.push("oidcClientId and oidcClientSecretArn need oidcIssuer");
  if (p.passwordSignIn === false && !p.samlMetadataUrl && !p.oidcIssuer)
    problems.push(
      "passwordSignIn=false needs an SSO provider (samlMetadataUrl or oidcIssuer), or nobody can sign in",
    );
  if (p.hostedZoneId && !p.hostedZoneName) problems.push("hostedZoneId needs hostedZoneName");
  if (p.hostedZoneName && !p.hostedZoneId) problems.push("hostedZoneName needs hostedZoneId");
  if (p.mailDomain && p.mailFrom && !p.mailFrom.toLowerCase().endsWith(`@${p.mailDomain.toLowerCase()}`))
    problems.push(`mailFrom (${p.mailFrom}) must be an address in mailDomain (${p.mailDomain})`);
  if (p.cognitoMailThroughSes && !p.mailDomain && !p.mailFrom)
    problems.push("cognitoMailThroughSes needs mailDomain or mailFrom");
  if (p.domainName && !p.certificateArn) problems.push("domainName needs certificateArn (ACM, us-east-1)");
  if (p.certificateArn && !p.domainName) problems.push("certificateArn needs domainName");
  if (p.certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:/.test(p.certificateArn))
    problems.push("certificateArn must be in us-east-1: CloudFront only uses certificates from there");
  if (p.wafRateLimit && p.webAclArn) problems.push("set wafRateLimit or webAclArn, not both");
  if (p.webAclArn && !/:global\/webacl\//.test(p.webAclArn))
    problems.push("webAclArn must be a CloudFront (global) web ACL, created in us-east-1");
  return problems;
}

/**
 * Reads and checks every parameter. Unknown `groundswell:` keys and bad values stop the synth
 * with one message listing each problem, rather than a half-configured deployment.
 */
export function readParameters(context: Record<string, unknown>): StackParameters {
  const known = new Map<string, Parameter>(PARAMETERS.map((p) => [p.name, p]));
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(context)) {
    if (!key.startsWith(CONTEXT_PREFIX)) continue;
    const name = key.slice(CONTEXT_PREFIX.length);
    const spec = known.get(name);
    if (!spec) {
      problems.push(`${key}: not a Groundswell parameter (npm run deploy -- --help lists them)`);
      continue;
    }
    // cdk.json's placeholders ("" or null) mean "not set".
    if (raw === undefined || raw === null || raw === "") continue;
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(`${key}=${String(raw)}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  const result = values as StackParameters;
  problems.push(...crossChecks(result));
  if (problems.length > 0) throw new Error(`Invalid Groundswell parameters:\n  ${problems.join("\n  ")}`);
  return result;
}
