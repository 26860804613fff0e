import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { DIRECTORY_ADMIN_ACTIONS, GROUPS, SAML_EMAIL_CLAIM } from "../../infra/constructs/identity.js";
import { API, actionsOf, arnOf, lambdaNamed, logicalId, type Synth, statementsOf, synth } from "./synth.js";

const distributionUrl = (path: string) => ({
  "Fn::Join": [
    "",
    ["https://", { "Fn::GetAtt": [Match.stringLikeRegexp("^WebDistribution"), "DomainName"] }, path],
  ],
});

let plain: Synth;
let saml: Synth;
let oidc: Synth;

beforeAll(() => {
  plain = synth();
  saml = synth({
    adminEmail: "it-ops@acme.test",
    samlMetadataUrl:
      "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
    ssoName: "AcmeEntra",
    domainName: "strategy.acme.test",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/site",
  });
  oidc = synth({
    oidcIssuer: "https://acme.okta.test",
    oidcClientId: "0oa-groundswell",
    oidcClientSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:groundswell/oidc-AbCdEf",
    ssoName: "AcmeOkta",
    ssoEmailAttribute: "work_email",
    passwordSignIn: "false",
  });
}, 600_000);

describe("Identity", () => {
  it("creates the role groups", () => {
    for (const groupName of GROUPS) {
      plain.template.hasResourceProperties("AWS::Cognito::UserPoolGroup", { GroupName: groupName });
    }
  });

  it("is an admin-provisioned, retained pool with a hosted sign-in domain", () => {
    plain.template.hasResource("AWS::Cognito::UserPool", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        UsernameAttributes: ["email"],
        MfaConfiguration: "OPTIONAL",
        DeletionProtection: "ACTIVE",
      }),
    });
    plain.template.hasResourceProperties("AWS::Cognito::UserPoolDomain", {
      Domain: { "Fn::Join": ["", ["groundswell-", { Ref: "AWS::AccountId" }]] },
    });
  });

  it("gives the web app a public code + PKCE client whose callback is the site's /auth/callback", () => {
    plain.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      GenerateSecret: false,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "email", "profile"],
      CallbackURLs: [distributionUrl("/auth/callback")],
      LogoutURLs: [distributionUrl("/signin")],
      SupportedIdentityProviders: ["COGNITO"],
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { RefreshToken: "minutes", IdToken: "minutes", AccessToken: "minutes" },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: "ENABLED",
    });
    // No password flows straight to Cognito: every sign-in goes through the hosted UI.
    const [client] = Object.values(plain.template.findResources("AWS::Cognito::UserPoolClient"));
    expect(client!.Properties.ExplicitAuthFlows ?? []).not.toEqual(
      expect.arrayContaining(["ALLOW_USER_PASSWORD_AUTH"]),
    );
  });

  it("uses the custom domain for callback and logout URLs when there is one", () => {
    saml.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      CallbackURLs: ["https://strategy.acme.test/auth/callback"],
      LogoutURLs: ["https://strategy.acme.test/signin"],
    });
  });

  it("lets the API provision Cognito users on this pool only, and tells it the pool", () => {
    const poolId = logicalId(plain.template, "AWS::Cognito::UserPool");
    const cognito = statementsOf(plain.template, API).filter((s) =>
      actionsOf(s).some((a) => a.startsWith("cognito-idp:")),
    );
    expect(cognito).toEqual([
      expect.objectContaining({ Action: [...DIRECTORY_ADMIN_ACTIONS].sort(), Resource: arnOf(poolId) }),
    ]);
    expect(lambdaNamed(plain.template, API).properties.Environment.Variables.USER_POOL_ID).toEqual({
      Ref: poolId,
    });
    expect(lambdaNamed(plain.template, API).properties.Environment.Variables.ADMIN_EMAIL).toBeUndefined();
  });
});

describe("first admin", () => {
  it("creates and invites the adminEmail user, in the admin group, and passes ADMIN_EMAIL to the API", () => {
    const poolId = logicalId(saml.template, "AWS::Cognito::UserPool");
    const userId = logicalId(saml.template, "AWS::Cognito::UserPoolUser", {
      UserPoolId: { Ref: poolId },
      Username: "it-ops@acme.test",
      DesiredDeliveryMediums: ["EMAIL"],
      UserAttributes: Match.arrayWith([
        { Name: "email", Value: "it-ops@acme.test" },
        { Name: "email_verified", Value: "true" },
      ]),
    });
    saml.template.hasResource("AWS::Cognito::UserPoolUserToGroupAttachment", {
      Properties: { UserPoolId: { Ref: poolId }, GroupName: "admin", Username: "it-ops@acme.test" },
      DependsOn: Match.arrayWith([userId]),
    });
    expect(lambdaNamed(saml.template, API).properties.Environment.Variables.ADMIN_EMAIL).toBe(
      "it-ops@acme.test",
    );
    plain.template.resourceCountIs("AWS::Cognito::UserPoolUser", 0);
  });
});

describe("SSO", () => {
  it("federates a SAML IdP from its metadata URL, maps the email claim, and offers it beside passwords", () => {
    saml.template.hasResourceProperties("AWS::Cognito::UserPoolIdentityProvider", {
      ProviderName: "AcmeEntra",
      ProviderType: "SAML",
      ProviderDetails: Match.objectLike({
        MetadataURL:
          "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
        IDPInit: false,
      }),
      AttributeMapping: { email: SAML_EMAIL_CLAIM },
    });
    const providerId = logicalId(saml.template, "AWS::Cognito::UserPoolIdentityProvider");
    saml.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      SupportedIdentityProviders: ["COGNITO", { Ref: providerId }],
    });
    saml.template.hasResource("AWS::Cognito::UserPoolClient", {
      DependsOn: Match.arrayWith([logicalId(saml.template, "AWS::Cognito::UserPoolIdentityProvider")]),
    });
  });

  it("federates an OIDC IdP with its secret resolved from Secrets Manager at deploy, SSO only", () => {
    oidc.template.hasResourceProperties("AWS::Cognito::UserPoolIdentityProvider", {
      ProviderName: "AcmeOkta",
      ProviderType: "OIDC",
      ProviderDetails: Match.objectLike({
        client_id: "0oa-groundswell",
        client_secret:
          "{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:groundswell/oidc-AbCdEf:SecretString:::}}",
        oidc_issuer: "https://acme.okta.test",
        authorize_scopes: "openid email profile",
      }),
      AttributeMapping: { email: "work_email", email_verified: "email_verified" },
    });
    const providerId = logicalId(oidc.template, "AWS::Cognito::UserPoolIdentityProvider");
    // Ref of the provider is its name, AcmeOkta; COGNITO is gone with passwordSignIn=false.
    oidc.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      SupportedIdentityProviders: [{ Ref: providerId }],
    });
    // The secret itself never appears in the template.
    expect(JSON.stringify(oidc.template.toJSON())).not.toMatch(/client_secret":"(?!\{\{resolve)/);
  });
});
