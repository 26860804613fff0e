import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { IdentityDirectory } from "./identity-directory.js";

/**
 * A Cognito client, or how to make one on first use: only directory imports and deactivations
 * call Cognito, and its SDK package costs a cold start about 75 ms of CPU, so in AWS the client
 * and its commands are imported by the first such request (functions/aws/environment.ts).
 */
export type CognitoClientSource =
  | CognitoIdentityProviderClient
  | (() => Promise<CognitoIdentityProviderClient>);

export interface CognitoDirectoryOptions {
  readonly userPoolId: string;
  /**
   * Create a Cognito account (with an emailed invitation and temporary password) for each new
   * person. Off when everyone signs in through the company's SSO: Cognito then creates the
   * federated account on the first sign-in, and an invitation with a password would only confuse.
   */
  readonly invite: boolean;
}

/**
 * Keeps a Cognito user pool in step with the directory. A person may have more than one Cognito
 * account with their email (a native one and a federated one per SSO provider), so enabling and
 * disabling look them all up by email.
 */
export class CognitoDirectory implements IdentityDirectory {
  readonly name = "cognito";

  constructor(
    private readonly source: CognitoClientSource,
    private readonly options: CognitoDirectoryOptions,
  ) {}

  /** The client and the SDK's Cognito module (commands, exception classes), loaded once. */
  private async cognito() {
    const [client, sdk] = await Promise.all([
      typeof this.source === "function" ? this.source() : this.source,
      import("@aws-sdk/client-cognito-identity-provider"),
    ]);
    return { client, sdk };
  }

  async ensureUser(email: string, name: string): Promise<"invited" | "enabled" | "unchanged"> {
    const { client, sdk } = await this.cognito();
    if (this.options.invite) {
      try {
        await client.send(
          new sdk.AdminCreateUserCommand({
            UserPoolId: this.options.userPoolId,
            Username: email,
            UserAttributes: [
              { Name: "email", Value: email },
              // The admin vouches for the address by importing it; the invitation goes there.
              { Name: "email_verified", Value: "true" },
              { Name: "name", Value: name },
            ],
            DesiredDeliveryMediums: ["EMAIL"],
          }),
        );
        return "invited";
      } catch (error) {
        if (!(error instanceof sdk.UsernameExistsException)) throw error;
      }
    }
    let enabled = false;
    for (const user of await this.usersWithEmail(email)) {
      if (user.enabled) continue;
      await client.send(
        new sdk.AdminEnableUserCommand({ UserPoolId: this.options.userPoolId, Username: user.username }),
      );
      enabled = true;
    }
    return enabled ? "enabled" : "unchanged";
  }

  async disableUser(email: string): Promise<"disabled" | "absent"> {
    const { client, sdk } = await this.cognito();
    const users = await this.usersWithEmail(email);
    for (const user of users) {
      const Username = user.username;
      if (user.enabled) {
        await client.send(new sdk.AdminDisableUserCommand({ UserPoolId: this.options.userPoolId, Username }));
      }
      try {
        // Revokes their refresh tokens, so an open browser tab cannot renew its session either.
        await client.send(
          new sdk.AdminUserGlobalSignOutCommand({ UserPoolId: this.options.userPoolId, Username }),
        );
      } catch (error) {
        if (!(error instanceof sdk.UserNotFoundException)) throw error;
      }
    }
    return users.length > 0 ? "disabled" : "absent";
  }

  /** One ListUsers call: a person has a handful of accounts at most. */
  private async usersWithEmail(email: string): Promise<{ username: string; enabled: boolean }[]> {
    const quoted = email.replace(/["\\]/g, "");
    const { client, sdk } = await this.cognito();
    const { Users = [] } = await client.send(
      new sdk.ListUsersCommand({
        UserPoolId: this.options.userPoolId,
        Filter: `email = "${quoted}"`,
        Limit: 60,
      }),
    );
    return Users.flatMap((u) => (u.Username ? [{ username: u.Username, enabled: u.Enabled !== false }] : []));
  }
}
