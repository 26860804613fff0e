import * as z from "zod";
import { can, type Role, roles } from "./roles.js";

export { can, type Role, roles };

export const personSchema = z.object({
  id: z.string(),
  email: z.email(),
  name: z.string(),
  role: z.enum(roles),
  /** Directory attributes used for audiences and report segments: department, location, tenure… */
  attributes: z.record(z.string(), z.string()),
  active: z.boolean(),
  /** The person turned off email (invitations, reminders, notices). */
  emailOptOut: z.boolean().optional(),
  /**
   * The identity-provider account this person signs in with (OIDC `iss` + `sub`), linked on their
   * first sign-in by their verified email; later sign-ins match it first (docs/architecture.md).
   */
  identity: z.object({ issuer: z.string(), subject: z.string() }).optional(),
});
export type Person = z.infer<typeof personSchema>;

/** What a person may do: every person takes part; staff roles add to that. Read from the directory. */
export const rolesOf = (person: Pick<Person, "role">): readonly Role[] =>
  person.role === "employee" ? ["employee"] : ["employee", person.role];
