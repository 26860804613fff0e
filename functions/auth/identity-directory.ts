/**
 * The identity provider's side of the directory: who has an account there. The directory import
 * asks it to admit the people it names and to shut out the ones it deactivates (through the
 * sync queue in auth/identity-sync.ts). The directory stays the one source of truth for who may
 * use Groundswell and with which role; this only keeps the provider's accounts in step with it.
 */
export interface IdentityDirectory {
  /** For the import report and logs: "cognito", or "none" where people are admitted just in time. */
  readonly name: string;
  /** Makes sure the person can sign in: invites them (a new account) or re-enables their account. */
  ensureUser(email: string, name: string): Promise<"invited" | "enabled" | "unchanged">;
  /** Stops the person signing in at the provider and ends their provider sessions. */
  disableUser(email: string): Promise<"disabled" | "absent">;
}

/**
 * The embedded default (and any deployment without a user pool to manage): the local provider's
 * accounts are the directory itself, so there is nothing to create; people are admitted just in
 * time, on their first sign-in, by their verified email.
 */
export const justInTimeAdmission: IdentityDirectory = {
  name: "none",
  ensureUser: async () => "unchanged",
  disableUser: async () => "absent",
};
