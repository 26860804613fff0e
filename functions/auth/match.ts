import { type Person, rolesOf } from "../domain/person.js";
import { ConflictError, NotFoundError, NotInDirectoryError, ServiceUnavailableError } from "../errors.js";
import type { Logger } from "../lib/logger.js";
import type { DirectoryRepository } from "../repositories/directory.js";
import type { Caller, SignedInIdentity } from "./verify.js";

/** Links are immutable once made, so they may be remembered; people (roles, active) never are. */
const rememberedLinks = 10_000;

/**
 * Finds the directory person behind a verified sign-in (docs/architecture.md, "Sign-in"):
 *
 * 1. by the identity-provider account (`iss` + `sub`) linked on an earlier sign-in;
 * 2. otherwise, on a first sign-in, by the token's email, which must be verified; the account is
 *    then linked to the person, so a later change of email at the provider keeps them matched.
 *
 * The person is read on every request, so deactivation and role changes apply to the caller's
 * next request. Cost per request: one GetItem (plus one for the link on a cold instance, and a
 * Query and a transaction on a person's very first sign-in).
 */
export class PersonMatcher {
  readonly #links = new Map<string, string>();

  constructor(
    private readonly directory: DirectoryRepository,
    private readonly logger: Logger,
  ) {}

  async callerFor(identity: SignedInIdentity): Promise<Caller> {
    const person = await this.find(identity);
    if (!person.active) {
      throw new NotInDirectoryError(
        "Your access to Groundswell has been turned off in the directory. Ask your admin if this is a mistake.",
        { reason: "inactive", email: identity.email ?? person.email },
      );
    }
    return { userId: person.id, email: person.email, roles: rolesOf(person), person };
  }

  private async find(identity: SignedInIdentity, retried = false): Promise<Person> {
    const key = `${identity.issuer}#${identity.subject}`;
    const personId = this.#links.get(key) ?? (await this.directory.personIdForIdentity(identity));
    if (personId) {
      const person = await this.person(personId);
      if (person) {
        this.remember(key, personId);
        return person;
      }
    }
    const person = await this.byVerifiedEmail(identity);
    if (!person.active) return person;
    try {
      const linked = await this.directory.linkIdentity(person, {
        issuer: identity.issuer,
        subject: identity.subject,
      });
      // No email or id in the line: sign-in logs never name a person.
      this.logger.info("sign-in linked to the directory", { relinked: person.identity !== undefined });
      this.remember(key, linked.id);
      return linked;
    } catch (error) {
      // The same account (two first requests at once) or person was linked concurrently: look again.
      if (error instanceof ConflictError && !retried) return this.find(identity, true);
      if (error instanceof ConflictError)
        throw new ServiceUnavailableError("Signing you in took two tries too many. Please try again.");
      throw error;
    }
  }

  private async byVerifiedEmail(identity: SignedInIdentity): Promise<Person> {
    if (!identity.email || !identity.emailVerified) {
      throw new NotInDirectoryError(
        identity.email
          ? `Your sign-in did not confirm that ${identity.email} is your address, so Groundswell cannot match you to the directory. Ask your admin.`
          : "Your sign-in did not include an email address, so Groundswell cannot match you to the directory. Ask your admin.",
        { reason: "email-not-verified", ...(identity.email && { email: identity.email }) },
      );
    }
    const person = await this.directory.findByEmail(identity.email);
    if (!person) {
      throw new NotInDirectoryError(
        `You're signed in as ${identity.email}, but Groundswell doesn't know you yet. Ask your admin to add you to the directory.`,
        { reason: "unknown", email: identity.email },
      );
    }
    return person;
  }

  private async person(id: string): Promise<Person | undefined> {
    try {
      return await this.directory.get(id);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  private remember(key: string, personId: string) {
    this.#links.delete(key);
    this.#links.set(key, personId);
    if (this.#links.size > rememberedLinks) this.#links.delete(this.#links.keys().next().value!);
  }
}
