import { randomUUID } from "node:crypto";
import { BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "../db/errors.js";
import { keys } from "../db/keys.js";
import { type Person, personSchema } from "../domain/person.js";
import { NotFoundError } from "../errors.js";
import { type Db, withoutKeys } from "./db.js";

export type NewPerson = Omit<Person, "id">;

export class DirectoryRepository {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Person> {
    const { Item } = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.person(id) }),
    );
    if (!Item) throw new NotFoundError("No person has this id.");
    return personSchema.parse(withoutKeys(Item));
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
    return saved;
  }
}
