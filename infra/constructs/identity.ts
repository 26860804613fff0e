import { Aws, Duration, RemovalPolicy, SecretValue, Stack, Validations } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";

/** Roles an employee can hold. The directory is their source of truth; the groups mirror it for Cognito. */
export const GROUPS = ["employee", "facilitator", "leader", "admin"] as const;

/** Where the web app receives the authorization code; the SvelteKit route must match. */
export const CALLBACK_PATH = "/auth/callback";
/** Where Cognito's /logout sends people back to. */
export const POST_LOGOUT_PATH = "/signin";
export const SCOPES = ["openid", "email", "profile"] as const;

/** The SAML claim Entra ID and Okta both use for the address, unless ssoEmailAttribute says otherwise. */
export const SAML_EMAIL_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";

/** What the directory import may do to Cognito users (runtime: functions/auth, owned by auth). */
export const DIRECTORY_ADMIN_ACTIONS = [
  "cognito-idp:AdminCreateUser",
  "cognito-idp:AdminDisableUser",
  "cognito-idp:AdminEnableUser",
] as const;

export interface SsoProps {
  /** Provider name in Cognito and on the hosted UI's button. */
  readonly name: string;
  readonly samlMetadataUrl?: string;
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly clientSecretArn: string };
  /** SAML attribute or OIDC claim that carries the email address. */
  readonly emailAttribute?: string;
}

export interface IdentityProps {
  /**
   * Cognito Plus tier with threat protection enforced. Off by default: Plus is billed for every
   * monthly active user with no free tier, and SSO-federated sign-ins get threat detection at the IdP.
   */
  readonly threatProtection?: boolean;
  /** Prefix of the Cognito hosted domain; must be unique in the region. */
  readonly domainPrefix?: string;
  /** The first admin: a Cognito user invited by mail (the API makes them admin in the directory). */
  readonly adminEmail?: string;
  /** Federation with the company's SAML or OIDC identity provider. */
  readonly sso?: SsoProps;
  /** Offer Cognito's own user-name/password sign-in (default true). */
  readonly passwordSignIn?: boolean;
  /** Cognito's own mail (invitations, codes) through SES instead of Cognito's limited default sender. */
  readonly email?: cognito.UserPoolEmail;
}

/**
 * Who the employees are: a Cognito user pool with its hosted UI, optional SAML/OIDC federation,
 * the first admin, the role groups, and (addWebClient) the web app's code + PKCE client.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  /** The hosted UI's origin, e.g. https://groundswell-123.auth.eu-west-1.amazoncognito.com */
  readonly domainUrl: string;
  /** JWT `iss` of the pool's tokens; `<issuer>/.well-known/jwks.json` serves the signing keys. */
  readonly issuerUrl: string;
  readonly provider?: cognito.UserPoolIdentityProviderSaml | cognito.UserPoolIdentityProviderOidc;
  readonly adminEmail?: string;
  private readonly passwordSignIn: boolean;
  private webClient?: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps = {}) {
    super(scope, id);
    this.passwordSignIn = props.passwordSignIn ?? true;
    this.adminEmail = props.adminEmail;

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
        tempPasswordValidity: Duration.days(7),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      email: props.email,
      userInvitation: {
        emailSubject: "You are invited to Groundswell",
        emailBody:
          "You have been invited to Groundswell, where your company asks everyone for their thoughts. " +
          "Sign in with your email address {username} and this temporary password: {####}\n\n" +
          "You will choose your own password at the first sign-in.",
      },
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
    this.domainUrl = this.domain.baseUrl();

    GROUPS.forEach((groupName, i) => {
      // Lower precedence wins; the most privileged group comes first.
      this.userPool.addGroup(`Group-${groupName}`, { groupName, precedence: GROUPS.length - i });
    });

    if (props.sso) this.provider = this.addProvider(props.sso);
    if (props.adminEmail) this.inviteAdmin(props.adminEmail);

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

  /** The web app's client: authorization code + PKCE, no secret (a browser cannot keep one). */
  addWebClient(webUrl: string): cognito.UserPoolClient {
    const providers = [
      ...(this.passwordSignIn ? [cognito.UserPoolClientIdentityProvider.COGNITO] : []),
      ...(this.provider ? [cognito.UserPoolClientIdentityProvider.custom(this.provider.providerName)] : []),
    ];
    this.webClient = this.userPool.addClient("WebClient", {
      generateSecret: false,
      // No direct password flows: every sign-in goes through the hosted UI with code + PKCE.
      authFlows: {},
      supportedIdentityProviders: providers,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${webUrl}${CALLBACK_PATH}`],
        logoutUrls: [`${webUrl}${POST_LOGOUT_PATH}`],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // People come back to rate over several weeks without signing in again; a person removed from
      // the directory is refused by the API on their next request whatever their tokens say.
      refreshTokenValidity: Duration.days(30),
    });
    // The provider must exist before a client can name it.
    if (this.provider) this.webClient.node.addDependency(this.provider);
    return this.webClient;
  }

  get client(): cognito.UserPoolClient {
    if (!this.webClient) throw new Error("Identity.addWebClient has not been called");
    return this.webClient;
  }

  /** The directory import's Cognito provisioning (create, disable, enable) on this pool only. */
  grantDirectoryAdmin(fn: lambda.Function) {
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [...DIRECTORY_ADMIN_ACTIONS],
      resourceArns: [this.userPool.userPoolArn],
    });
    fn.addEnvironment("USER_POOL_ID", this.userPool.userPoolId);
    if (this.adminEmail) fn.addEnvironment("ADMIN_EMAIL", this.adminEmail);
  }

  private addProvider(sso: SsoProps) {
    if (sso.samlMetadataUrl) {
      return new cognito.UserPoolIdentityProviderSaml(this, "Saml", {
        userPool: this.userPool,
        name: sso.name,
        metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(sso.samlMetadataUrl),
        attributeMapping: { email: cognito.ProviderAttribute.other(sso.emailAttribute ?? SAML_EMAIL_CLAIM) },
        // IdP-initiated sign-in would skip the web app's PKCE and state checks.
        idpInitiated: false,
      });
    }
    if (sso.oidc) {
      return new cognito.UserPoolIdentityProviderOidc(this, "Oidc", {
        userPool: this.userPool,
        name: sso.name,
        issuerUrl: sso.oidc.issuer,
        clientId: sso.oidc.clientId,
        // A CloudFormation dynamic reference: the secret is resolved at deploy, never in the template.
        clientSecret: SecretValue.secretsManager(sso.oidc.clientSecretArn).unsafeUnwrap(),
        scopes: ["openid", "email", "profile"],
        attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
        attributeMapping: {
          email: cognito.ProviderAttribute.other(sso.emailAttribute ?? "email"),
          custom: { email_verified: cognito.ProviderAttribute.other("email_verified") },
        },
      });
    }
    throw new Error("SSO needs samlMetadataUrl or oidc");
  }

  /** Creates the first admin's user; Cognito mails them the temporary password. */
  private inviteAdmin(email: string) {
    const user = new cognito.CfnUserPoolUser(this, "FirstAdmin", {
      userPoolId: this.userPool.userPoolId,
      username: email,
      desiredDeliveryMediums: ["EMAIL"],
      // An admin typed the address in: it is verified, so the sign-in can match the directory by it.
      userAttributes: [
        { name: "email", value: email },
        { name: "email_verified", value: "true" },
      ],
    });
    const membership = new cognito.CfnUserPoolUserToGroupAttachment(this, "FirstAdminGroup", {
      userPoolId: this.userPool.userPoolId,
      groupName: "admin",
      username: email,
    });
    membership.addResourceDependency(user);
    for (const group of this.userPool.node.children.filter((c) => c.node.id === "Group-admin")) {
      membership.node.addDependency(group);
    }
  }
}
