import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  UsernameExistsException,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { CognitoDirectory } from "../../functions/auth/cognito-directory.js";

type User = { Username: string; Enabled: boolean; email: string };

/** A user pool in memory behind the SDK client's `send`: what the adapter asked, and what it did. */
function fakePool(users: User[]) {
  const calls: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const input = command.input;
      calls.push(
        `${command.constructor.name.replace(/Command$/, "")} ${String(input.Username ?? input.Filter)}`,
      );
      if (command instanceof AdminCreateUserCommand) {
        const email = String(input.Username);
        if (users.some((u) => u.Username === email))
          throw new UsernameExistsException({ message: "exists", $metadata: {} });
        users.push({ Username: email, Enabled: true, email });
        return {};
      }
      if (command instanceof ListUsersCommand) {
        const email = /email = "(.*)"/.exec(String(input.Filter))?.[1];
        return { Users: users.filter((u) => u.email === email) };
      }
      const user = users.find((u) => u.Username === input.Username);
      if (command instanceof AdminEnableUserCommand && user) user.Enabled = true;
      if (command instanceof AdminDisableUserCommand && user) user.Enabled = false;
      if (command instanceof AdminUserGlobalSignOutCommand) return {};
      return {};
    },
  } as unknown as CognitoIdentityProviderClient;
  return { client, calls, users };
}

describe("the Cognito identity directory", () => {
  it("invites a new person with an emailed temporary password and a verified email", async () => {
    const pool = fakePool([]);
    const sent: unknown[] = [];
    const client = {
      send: async (command: unknown) => {
        sent.push(command);
        return pool.client.send(command as never);
      },
    } as unknown as CognitoIdentityProviderClient;
    const directory = new CognitoDirectory(client, { userPoolId: "eu-central-1_Pool", invite: true });
    expect(await directory.ensureUser("new.person@example.com", "New Person")).toBe("invited");
    const create = sent[0] as AdminCreateUserCommand;
    expect(create.input).toMatchObject({
      UserPoolId: "eu-central-1_Pool",
      Username: "new.person@example.com",
      DesiredDeliveryMediums: ["EMAIL"],
    });
    expect(create.input.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: "email", Value: "new.person@example.com" },
        { Name: "email_verified", Value: "true" },
        { Name: "name", Value: "New Person" },
      ]),
    );
  });

  it("re-enables every disabled account with the email (native and federated) instead of inviting twice", async () => {
    const pool = fakePool([
      { Username: "back@example.com", Enabled: false, email: "back@example.com" },
      { Username: "AcmeSSO_back", Enabled: false, email: "back@example.com" },
      { Username: "other@example.com", Enabled: false, email: "other@example.com" },
    ]);
    const directory = new CognitoDirectory(pool.client, { userPoolId: "p_1", invite: true });
    expect(await directory.ensureUser("back@example.com", "Back Again")).toBe("enabled");
    expect(pool.users.filter((u) => u.Enabled).map((u) => u.Username)).toEqual([
      "back@example.com",
      "AcmeSSO_back",
    ]);
    expect(await directory.ensureUser("back@example.com", "Back Again")).toBe("unchanged");
  });

  it("creates no account when people sign in through SSO; Cognito makes theirs on first sign-in", async () => {
    const pool = fakePool([]);
    const directory = new CognitoDirectory(pool.client, { userPoolId: "p_1", invite: false });
    expect(await directory.ensureUser("sso.person@example.com", "SSO Person")).toBe("unchanged");
    expect(pool.calls.some((c) => c.startsWith("AdminCreateUser"))).toBe(false);
  });

  it("disables every account with the email and signs them out everywhere", async () => {
    const pool = fakePool([
      { Username: "leaver@example.com", Enabled: true, email: "leaver@example.com" },
      { Username: "AcmeSSO_leaver", Enabled: true, email: "leaver@example.com" },
    ]);
    const directory = new CognitoDirectory(pool.client, { userPoolId: "p_1", invite: true });
    expect(await directory.disableUser("leaver@example.com")).toBe("disabled");
    expect(pool.users.every((u) => !u.Enabled)).toBe(true);
    expect(pool.calls.filter((c) => c.startsWith("AdminUserGlobalSignOut"))).toHaveLength(2);
    expect(await directory.disableUser("nobody@example.com")).toBe("absent");
  });

  it("cannot be steered by quotes in an email: the filter stays one equality", async () => {
    const pool = fakePool([]);
    const directory = new CognitoDirectory(pool.client, { userPoolId: "p_1", invite: false });
    await directory.disableUser('x" or email ^= "@example.com');
    expect(pool.calls[0]).toBe('ListUsers email = "x or email ^= @example.com"');
  });
});
