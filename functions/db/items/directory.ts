import * as z from "zod";
import { personSchema } from "../../domain/person.js";
import { defineItem } from "../item.js";
import type { KeyQuery } from "../query.js";

const personPrefix = "USER#";

/** A directory person: one partition for the company (thousands, never conversation-sized). */
export const personItem = defineItem({
  name: "person",
  key: ({ id }: { id: string }) => ({ pk: "DIR", sk: `${personPrefix}${id}` }),
  indexes: (p) => ({ gsi1pk: personByEmail(p.email).partition, gsi1sk: "USER" }),
  schema: personSchema,
});

export const everyone: KeyQuery = { partition: "DIR", sort: { beginsWith: personPrefix } };

/** Emails are matched case-insensitively (gsi1). */
export const personByEmail = (email: string): KeyQuery => ({
  index: "gsi1",
  partition: `EMAIL#${email.toLowerCase()}`,
});

/**
 * An identity-provider account (OIDC issuer + subject) linked to a directory person: one item
 * per account, so a sign-in finds its person with one GetItem and two people cannot share one.
 */
export const identityLinkItem = defineItem({
  name: "identity link",
  key: ({ issuer, subject }: { issuer: string; subject: string }) => ({
    pk: `IDP#${issuer}#${subject}`,
    sk: "LINK",
  }),
  schema: z.object({ personId: z.string().min(1) }),
});

const identitySyncPartition = "IDPSYNC";

/**
 * "Look at this person's identity-provider account": a hint the directory import queues and the
 * scheduler works off (auth/identity-sync.ts). The ticket tells a hint queued again apart.
 */
export const identitySyncItem = defineItem({
  name: "identity sync hint",
  key: ({ email }: { email: string }) => ({ pk: identitySyncPartition, sk: email.toLowerCase() }),
  fromKey: ({ sk }) => ({ email: sk }),
  schema: z.object({ email: z.string().min(1), ticket: z.string().min(1) }),
});

export const pendingIdentitySyncs: KeyQuery = { partition: identitySyncPartition };
