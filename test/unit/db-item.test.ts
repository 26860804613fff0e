import { describe, expect, it } from "vitest";
import * as z from "zod";
import { createCursorCodec } from "../../functions/db/cursor.js";
import { defineItem, parseEntries } from "../../functions/db/item.js";
import { thoughtItem } from "../../functions/db/items/thoughts.js";
import { checkStartKey } from "../../functions/db/query.js";
import { UnreadableItemError, ValidationError } from "../../functions/errors.js";
import { memoryLogger } from "../../functions/lib/logger.js";

const note = defineItem({
  name: "note",
  key: ({ owner, id }: { owner: string; id: string }) => ({ pk: `OWNER#${owner}`, sk: `NOTE#${id}` }),
  indexes: (n) => ({ gsi1pk: `TAG#${n.tag}`, gsi1sk: n.id }),
  fromKey: ({ sk }) => ({ id: sk.slice("NOTE#".length) }),
  schema: z.object({ id: z.string(), tag: z.string(), words: z.int().min(0).default(0) }),
});

describe("an item declaration", () => {
  it("writes keys, index keys and parsed attributes, dropping what the schema does not know", () => {
    const item = note.toItem({ owner: "ann", id: "n1", tag: "x", extra: "dropped" } as never, {
      expiresAt: 9,
    });
    expect(item).toEqual({
      pk: "OWNER#ann",
      sk: "NOTE#n1",
      gsi1pk: "TAG#x",
      gsi1sk: "n1",
      id: "n1",
      tag: "x",
      words: 0,
      expiresAt: 9,
    });
  });

  it("refuses to build an item the table could not hold, naming the field", () => {
    expect(() => note.toItem({ owner: "ann", id: "n1", tag: "x", words: -1 })).toThrow(ValidationError);
    try {
      note.toItem({ owner: "ann", id: "n1", tag: "x", words: -1 });
    } catch (error) {
      expect((error as ValidationError).errors[0]?.path).toBe("words");
    }
  });

  it("reads an item back without its keys, and fills fields that live only in the key", () => {
    expect(note.parse({ pk: "OWNER#ann", sk: "NOTE#n2", tag: "y" })).toEqual({
      id: "n2",
      tag: "y",
      words: 0,
    });
  });

  it("throws a typed error for a bad single item and skips it in a list, logging only its shape", () => {
    const raw = { pk: "OWNER#ann", sk: "NOTE#secret-id", tag: 5, words: "many words of a private note" };
    expect(() => note.parse(raw)).toThrow(UnreadableItemError);
    const logger = memoryLogger();
    expect(note.parseOrSkip(raw, logger)).toBeUndefined();
    expect(logger.lines).toHaveLength(1);
    const line = JSON.parse(logger.lines[0]!);
    expect(line).toMatchObject({ message: "unreadable item skipped", item: "note", key: "OWNER#…/NOTE#…" });
    expect(line.fields.split(",").sort()).toEqual(["tag", "words"]);
    expect(logger.lines[0]).not.toContain("ann");
    expect(logger.lines[0]).not.toContain("secret-id");
    expect(logger.lines[0]).not.toContain("private");
  });

  it("parses entries of one item on their own", () => {
    const logger = memoryLogger();
    const read = parseEntries(
      "edit",
      z.object({ at: z.string() }),
      [
        ["a", { at: "x" }],
        ["b", { at: 1 }],
      ],
      logger,
    );
    expect(read).toEqual([["a", { at: "x" }]]);
    expect(logger.lines).toHaveLength(1);
  });

  it("keeps a thought's declared defaults for attributes stored before they existed", () => {
    const thought = thoughtItem.parse({
      id: "t",
      conversationId: "c",
      text: "x",
      authorKey: "k",
      createdDay: "2027-01-02",
      status: "visible",
    });
    expect(thought).toMatchObject({ needsReview: false, exposure: 0, histogram: { "1": 0, "5": 0 } });
  });
});

describe("a start key", () => {
  const query = { index: "gsi1" as const, partition: "CYCLES" };
  const good = { pk: "CYCLE#1", sk: "META", gsi1pk: "CYCLES", gsi1sk: "2027#1" };

  it("must be a key of the very query it continues", () => {
    expect(() => checkStartKey(query, good)).not.toThrow();
    const bads: Record<string, string | number>[] = [
      { pk: "AUDIT" },
      { ...good, gsi1pk: "CONVS" },
      { ...good, extra: "x" },
      { pk: "CYCLE#1", sk: "META", gsi1pk: "CYCLES" },
      { ...good, gsi1sk: 5 },
      { ...good, sk: "" },
      { ...good, sk: "x".repeat(3000) },
    ];
    for (const bad of bads) {
      expect(() => checkStartKey(query, bad), JSON.stringify(bad).slice(0, 80)).toThrow(ValidationError);
    }
    const ranged = { partition: "CONV#1", sort: { beginsWith: "THOUGHT#" } };
    expect(() => checkStartKey(ranged, { pk: "CONV#1", sk: "THOUGHT#9" })).not.toThrow();
    expect(() => checkStartKey(ranged, { pk: "CONV#1", sk: "PART#9" })).toThrow(ValidationError);
    const exposure = { index: "byExposure" as const, partition: "CONV#1" };
    expect(() =>
      checkStartKey(exposure, { pk: "CONV#1", sk: "THOUGHT#1", expPk: "CONV#1", exposure: 3 }),
    ).not.toThrow();
    expect(() =>
      checkStartKey(exposure, { pk: "CONV#1", sk: "THOUGHT#1", expPk: "CONV#1", exposure: "3" }),
    ).toThrow(ValidationError);
  });
});

describe("the cursor codec", () => {
  const codec = createCursorCodec("server secret");
  const scope = { route: "audit.list", caller: "user-1" };
  const key = { pk: "AUDIT", sk: "2027-01-01T00:00:00.000Z#x" };

  it("round-trips a key for the same route and caller", () => {
    const cursor = codec.encode(scope, key)!;
    expect(codec.decode(scope, cursor)).toEqual(key);
    expect(codec.encode(scope, undefined)).toBeUndefined();
    expect(codec.decode(scope, undefined)).toBeUndefined();
  });

  it("refuses it for another route, another caller or another server secret", () => {
    const cursor = codec.encode(scope, key)!;
    expect(() => codec.decode({ ...scope, route: "cycles.list" }, cursor)).toThrow(ValidationError);
    expect(() => codec.decode({ ...scope, caller: "user-2" }, cursor)).toThrow(ValidationError);
    expect(() => createCursorCodec("other secret").decode(scope, cursor)).toThrow(ValidationError);
  });
});
