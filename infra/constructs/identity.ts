import { Aws, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";

/** Roles an employee can hold; the API reads them from the `cognito:groups` claim. */
export const GROUPS = ["employee", "facilitator", "leader", "admin"] as const;

/** Where the web app receives the authorization code; the SvelteKit route must match. */
export const CALLBACK_PATH = "/auth/callback";

export interface IdentityProps {
  /** Origin of the web app (e.g. the CloudFront URL), used for OAuth redirect URLs. */
  readonly webUrl: string;
  /**
   * Cognito Plus tier with threat protection enforced. Off by default: Plus is billed for every
   * monthly active user with no free tier, and SSO-federated sign-ins get threat detection at the IdP.
   */
  readonly threatProtection?: boolean;
  /** Prefix of the Cognito hosted domain; must be unique in the region. */
  readonly domainPrefix?: string;
}

/** Who the employees are: a Cognito user pool, the web app's client and the role groups. */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  /** JWT `iss` of the pool's tokens; `<issuer>/.well-known/jwks.json` serves the signing keys. */
  readonly issuerUrl: string;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, "UserPool", {
      // Accounts are provisioned by admins (or SSO), never self-registered.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.OPTIONAL,
      // TOTP only: SMS needs an SNS sending role and costs per message.
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: props.threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(props.threatProtection
        ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.domain = this.userPool.addDomain("Domain", {
      // The account id keeps the default prefix unique across companies sharing a region.
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `groundswell-${Aws.ACCOUNT_ID}` },
    });

    // A browser app cannot keep a secret: public client, SRP or authorization code + PKCE.
    this.client = this.userPool.addClient("WebClient", {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.webUrl}${CALLBACK_PATH}`],
        logoutUrls: [`${props.webUrl}/`],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    GROUPS.forEach((groupName, i) => {
      // Lower precedence wins; the most privileged group comes first.
      this.userPool.addGroup(`Group-${groupName}`, { groupName, precedence: GROUPS.length - i });
    });

    // Spelled out rather than the ProviderURL attribute, whose format CloudFormation leaves vague;
    // this is exactly the `iss` claim Cognito puts in its tokens.
    const stack = Stack.of(this);
    this.issuerUrl = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;

    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG2",
      reason:
        "MFA is optional by product decision: most companies federate SSO, where their IdP enforces MFA; " +
        "direct users can enrol TOTP.",
    });
    if (!props.threatProtection) {
      Validations.of(this.userPool).acknowledge({
        id: "AwsSolutions-COG8",
        reason:
          "Plus tier is billed per monthly active user with no free tier; enable it with the " +
          "groundswell:threatProtection context flag when sign-ins are not federated.",
      });
    }
  }
}
