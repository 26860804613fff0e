import { randomUUID } from "node:crypto";
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { cancelledConditions, isConditionFailure } from "../db/errors.js";
import { keys } from "../db/keys.js";
import { type Person, personSchema } from "../domain/person.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { type Db, withoutKeys } from "./db.js";
import { NamesIndexRepository } from "./names-index.js";

export type NewPerson = Omit<Person, "id">;
export type Identity = NonNullable<Person["identity"]>;

export class DirectoryRepository {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Person> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.person(id) }),
    );
    if (!Item) throw new NotFoundError("No person has this id.");
    return personSchema.parse(withoutKeys(Item));
  }

  /** The person an identity-provider account is linked to, if any: one GetItem on the link item. */
  async personIdForIdentity(identity: Identity): Promise<string | undefined> {
    const { Item } = await this.db.doc.send(
      new GetCommand({
        TableName: this.db.tableName,
        Key: keys.identityLink(identity.issuer, identity.subject),
      }),
    );
    return typeof Item?.personId === "string" ? Item.personId : undefined;
  }

  /**
   * Links an identity-provider account to a person in one transaction: the link item (new, or
   * already this person's), the person's `identity` (unchanged since it was read) and, when the
   * person was linked to another account before, the removal of that account's link. A
   * concurrent link of the same account or person is a ConflictError; the caller looks again.
   */
  async linkIdentity(person: Person, identity: Identity): Promise<Person> {
    const link = keys.identityLink(identity.issuer, identity.subject);
    const previous = person.identity;
    const samePrevious =
      previous && previous.issuer === identity.issuer && previous.subject === identity.subject;
    try {
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.db.tableName,
                Item: { ...link, personId: person.id },
                ConditionExpression: "attribute_not_exists(pk) OR personId = :id",
                ExpressionAttributeValues: { ":id": person.id },
              },
            },
            {
              Update: {
                TableName: this.db.tableName,
                Key: keys.person(person.id),
                UpdateExpression: "SET #identity = :identity",
                ConditionExpression: previous
                  ? "attribute_exists(pk) AND #identity.issuer = :iss AND #identity.subject = :sub"
                  : "attribute_exists(pk) AND attribute_not_exists(#identity)",
                ExpressionAttributeNames: { "#identity": "identity" },
                ExpressionAttributeValues: {
                  ":identity": identity,
                  ...(previous && { ":iss": previous.issuer, ":sub": previous.subject }),
                },
              },
            },
            ...(previous && !samePrevious
              ? [
                  {
                    Delete: {
                      TableName: this.db.tableName,
                      Key: keys.identityLink(previous.issuer, previous.subject),
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
    const { Items = [] } = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.personByEmail(email).gsi1pk },
        Limit: 1,
      }),
    );
    return Items[0] ? personSchema.parse(withoutKeys(Items[0])) : undefined;
  }

  /**
   * The whole directory, page by page. Used by admin pages, the sign-in page and audience counts;
   * a directory is company-sized (thousands), never conversation-sized.
   */
  async all(): Promise<Person[]> {
    const people: Person[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": "DIR" },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of page.Items ?? []) people.push(personSchema.parse(withoutKeys(item)));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return people;
  }

  /**
   * Adds one person unless their id is taken; true when it was added. Callers that must not add a
   * person twice (the first-admin bootstrap, run by every cold start) pass a deterministic id.
   */
  async addIfAbsent(person: NewPerson & { id: string }): Promise<boolean> {
    const saved = personSchema.parse({ ...person, email: person.email.toLowerCase() });
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...keys.person(saved.id), ...keys.personByEmail(saved.email), ...saved },
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
          Key: keys.person(id),
          UpdateExpression: "SET emailOptOut = :optOut",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":optOut": emailOptOut },
          ReturnValues: "ALL_NEW",
        }),
      );
      return personSchema.parse(withoutKeys(Attributes ?? {}));
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError("No person has this id.");
      throw error;
    }
  }

  /** Writes people in batches of 25 (the BatchWriteItem limit), retrying what DynamoDB hands back. */
  async putMany(people: readonly (NewPerson & { id?: string })[]): Promise<Person[]> {
    const saved = people.map((p) =>
      personSchema.parse({ ...p, id: p.id ?? randomUUID(), email: p.email.toLowerCase() }),
    );
    for (let i = 0; i < saved.length; i += 25) {
      let requests = saved.slice(i, i + 25).map((person) => ({
        PutRequest: { Item: { ...keys.person(person.id), ...keys.personByEmail(person.email), ...person } },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const result = await this.db.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.db.tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.db.tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
      }
    }
    // Names changed or came in: the index that screens thoughts for them follows (DESIGN §3.5).
    await new NamesIndexRepository(this.db).rebuild(await this.all());
    return saved;
  }
}
