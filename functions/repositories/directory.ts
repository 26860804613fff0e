import { randomUUID } from "node:crypto";
import { PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite } from "../db/batch.js";
import type { Db } from "../db/client.js";
import { cancelledConditions, isConditionFailure } from "../db/errors.js";
import { everyone, identityLinkItem, personByEmail, personItem } from "../db/items/directory.js";
import { getItem, queryPage, queryPages } from "../db/query.js";
import type { Person } from "../domain/person.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { NamesIndexRepository } from "./names-index.js";

export type NewPerson = Omit<Person, "id">;
export type Identity = NonNullable<Person["identity"]>;

export class DirectoryRepository {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Person> {
    const person = await getItem(this.db, personItem, { id });
    if (!person) throw new NotFoundError("No person has this id.");
    return person;
  }

  /** The person an identity-provider account is linked to, if any: one GetItem on the link item. */
  async personIdForIdentity(identity: Identity): Promise<string | undefined> {
    return (await getItem(this.db, identityLinkItem, identity))?.personId;
  }

  /**
   * Links an identity-provider account to a person in one transaction: the link item (new, or
   * already this person's), the person's `identity` (unchanged since it was read) and, when the
   * person was linked to another account before, the removal of that account's link. A
   * concurrent link of the same account or person is a ConflictError; the caller looks again.
   */
  async linkIdentity(person: Person, identity: Identity): Promise<Person> {
    const previous = person.identity;
    const samePrevious =
      previous && previous.issuer === identity.issuer && previous.subject === identity.subject;
    const linked = personItem.toItem({ ...person, identity });
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.db.tableName,
                Item: identityLinkItem.toItem({ ...identity, personId: person.id }),
                ConditionExpression: "attribute_not_exists(pk) OR personId = :id",
                ExpressionAttributeValues: { ":id": person.id },
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: personItem.key(person),
                UpdateExpression: "SET #identity = :identity",
                ConditionExpression: previous
                  ? "attribute_exists(pk) AND #identity.issuer = :iss AND #identity.subject = :sub"
                  : "attribute_exists(pk) AND attribute_not_exists(#identity)",
                ExpressionAttributeNames: { "#identity": "identity" },
                ExpressionAttributeValues: {
                  ":identity": linked.identity,
                  ...(previous && { ":iss": previous.issuer, ":sub": previous.subject }),
                },
              },
            },
            ...(previous && !samePrevious
              ? [
                  {
                    Delete: {
                      TableName: this.db.tableName,
                      Key: identityLinkItem.key(previous),
                      ConditionExpression: "attribute_not_exists(pk) OR personId = :id",
                      ExpressionAttributeValues: { ":id": person.id },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
    } catch (error) {
      if (cancelledConditions(error)) {
        throw new ConflictError("This sign-in was linked to the directory at the same moment.");
      }
      throw error;
    }
    return { ...person, identity };
  }

  async findByEmail(email: string): Promise<Person | undefined> {
    return (await queryPage(this.db, personItem, personByEmail(email), { limit: 1 })).items[0];
  }

  /**
   * The whole directory, page by page. Used by admin pages, the sign-in page and audience counts;
   * a directory is company-sized (thousands), never conversation-sized. An unreadable person is
   * logged and left out.
   */
  async all(): Promise<Person[]> {
    const people: Person[] = [];
    for await (const page of queryPages(this.db, personItem, everyone)) people.push(...page);
    return people;
  }

  /**
   * Adds one person unless their id is taken; true when it was added. Callers that must not add a
   * person twice (the first-admin bootstrap, run by every cold start) pass a deterministic id.
   */
  async addIfAbsent(person: NewPerson & { id: string }): Promise<boolean> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: personItem.toItem({ ...person, email: person.email.toLowerCase() }),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      // A new name: thoughts naming the first admin are held like any other (DESIGN §3.5).
      await new NamesIndexRepository(this.db).rebuild(await this.all());
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async setEmailOptOut(id: string, emailOptOut: boolean): Promise<Person> {
    try {
      const { Attributes } = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: personItem.key({ id }),
          UpdateExpression: "SET emailOptOut = :optOut",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":optOut": emailOptOut },
          ReturnValues: "ALL_NEW",
        }),
      );
      return personItem.parse(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError("No person has this id.");
      throw error;
    }
  }

  /** Writes people (every one validated first, so a bad one writes none of them). */
  async putMany(people: readonly (NewPerson & { id?: string })[]): Promise<Person[]> {
    const saved = people.map((p) => ({ ...p, id: p.id ?? randomUUID(), email: p.email.toLowerCase() }));
    await batchWrite(
      this.db,
      saved.map((person) => personItem.toItem(person)),
    );
    // Names changed or came in: the index that screens thoughts for them follows (DESIGN §3.5).
    await new NamesIndexRepository(this.db).rebuild(await this.all());
    return saved;
  }
}
