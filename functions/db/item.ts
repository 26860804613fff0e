/**
 * One way to map a DynamoDB item (docs/architecture.md, "How to declare an item"). Every item
 * type has ONE declaration: the key builders that place it in the table and a zod schema of its
 * attributes. Writes go through `toItem` (validated, keys added), reads through `parse` (a single
 * read: a bad item is a typed error) or `parseOrSkip` (a list read: a bad item is logged and left
 * out). Nothing is ever cast.
 *
 * Why our own thin layer rather than ElectroDB or dynamodb-toolbox: both bring a second schema
 * language beside zod, which the API already uses at every edge; both own the query and update
 * builders, while our repositories lean on hand-written transactions whose cancellation reasons
 * are read by position and on conditions like `exposure <= :max` or `list_append(if_not_exists…)`;
 * ElectroDB also writes its own key formats and bookkeeping attributes, which would mean
 * migrating every stored item. The layer here keeps the stored shapes and the expressions as they
 * are, adds nothing to the Lambda bundle beyond zod (already in it), and is ~200 lines.
 */
import type * as z from "zod";
import { UnreadableItemError, ValidationError } from "../errors.js";
import { jsonLogger, type Logger } from "../lib/logger.js";

/** Where an item lives in the table. */
export interface PrimaryKey {
  readonly pk: string;
  readonly sk: string;
}

/** Attributes that put an item into the table's indexes (db/table.ts); an absent one keeps it out. */
export interface IndexKeys {
  readonly gsi1pk?: string;
  readonly gsi1sk?: string;
  readonly expPk?: string;
  readonly duePk?: string;
}

/** An item as the document client hands it over: untrusted until parsed. */
export type RawItem = Record<string, unknown>;

/** A schema of an item's attributes: it reads and writes objects. */
export type ItemSchema = z.ZodType<RawItem, RawItem>;

export interface ItemSpec<S extends ItemSchema, K> {
  /** Names the item type in logs and problems ("thought", "assignment"). */
  readonly name: string;
  /** The item's primary key from the fields that identify it. */
  readonly key: (fields: K) => PrimaryKey;
  /** The index keys an item carries, from its parsed value and its key fields. */
  readonly indexes?: (value: z.output<S> & K) => IndexKeys;
  /**
   * Attributes read back from the key, for reads that see only keys (a KEYS_ONLY index) or items
   * whose identity lives only in their key. Stored attributes win over these.
   */
  readonly fromKey?: (key: PrimaryKey) => RawItem;
  /** Every stored attribute but the keys. Unknown attributes are dropped on read. */
  readonly schema: S;
}

export interface ItemType<S extends ItemSchema = ItemSchema, K = never> {
  readonly name: string;
  readonly schema: S;
  key(fields: K): PrimaryKey;
  /** The item to Put: validated (a ValidationError, before anything is written), with its keys. */
  toItem(value: z.input<S> & K, options?: { readonly expiresAt?: number }): RawItem;
  /** One item read on its own: a bad one is an UnreadableItemError (409), never a ZodError (500). */
  parse(raw: RawItem): z.output<S>;
  /** One item of a list: a bad one is logged (type and key shape only) and left out. */
  parseOrSkip(raw: RawItem, logger?: Logger): z.output<S> | undefined;
}

/** The value type an item declaration reads. */
export type ItemValue<T> = T extends ItemType<infer S, infer _K> ? z.output<S> : never;

let fallbackLogger: Logger | undefined;
/** Repositories built without a logger (scripts, a few tests) still report what they skip. */
export const defaultLogger = () => {
  fallbackLogger ??= jsonLogger();
  return fallbackLogger;
};

export function defineItem<S extends ItemSchema, K>(spec: ItemSpec<S, K>): ItemType<S, K> {
  const withKeyFields = (raw: RawItem): RawItem => {
    if (!spec.fromKey || typeof raw.pk !== "string" || typeof raw.sk !== "string") return raw;
    return { ...spec.fromKey({ pk: raw.pk, sk: raw.sk }), ...raw };
  };
  const unreadable = (raw: RawItem, error: z.ZodError) =>
    new UnreadableItemError(
      `A stored ${spec.name} cannot be read, so it was left unchanged. An administrator can repair it (docs/operations.md).`,
      describe(spec.name, spec.schema, raw, error),
    );
  return {
    name: spec.name,
    schema: spec.schema,
    key: spec.key,
    toItem(value, options = {}) {
      const parsed = spec.schema.safeParse(value);
      if (!parsed.success) {
        throw new ValidationError(
          `This ${spec.name} cannot be stored.`,
          parsed.error.issues.map((issue) => ({
            path: issue.path.map(String).join(".") || spec.name,
            message: issue.message,
          })),
        );
      }
      const fields = { ...value, ...parsed.data };
      return {
        ...spec.key(value),
        ...spec.indexes?.(fields),
        ...parsed.data,
        ...(options.expiresAt !== undefined && { expiresAt: options.expiresAt }),
      };
    },
    parse(raw) {
      const parsed = spec.schema.safeParse(withKeyFields(raw));
      if (!parsed.success) throw unreadable(raw, parsed.error);
      return parsed.data;
    },
    parseOrSkip(raw, logger = defaultLogger()) {
      const parsed = spec.schema.safeParse(withKeyFields(raw));
      if (parsed.success) return parsed.data;
      logger.error("unreadable item skipped", describe(spec.name, spec.schema, raw, parsed.error));
      return undefined;
    },
  };
}

/**
 * Entries of one item that stand on their own (one attribute per theme, one edit per theme): a
 * bad entry is logged and left out, the others are read.
 */
export function parseEntries<N extends string | number, T>(
  owner: string,
  schema: z.ZodType<T>,
  entries: Iterable<readonly [N, unknown]>,
  logger: Logger = defaultLogger(),
): [N, T][] {
  const read: [N, T][] = [];
  for (const [name, value] of entries) {
    const parsed = schema.safeParse(value);
    if (parsed.success) read.push([name, parsed.data]);
    else logger.error("unreadable item skipped", describe(`${owner} entry`, schema, {}, parsed.error));
  }
  return read;
}

/** Upper-case words of a key ("CONV", "THOUGHT") are its shape; anything else could be an id. */
const shapeWord = /^[A-Z][A-Z-]{0,19}$/;
const fieldName = /^[A-Za-z][A-Za-z0-9]{0,40}$/;

/**
 * What a log line may say about a bad item: its type, the shape of its key (`CONV#…/THOUGHT#…`)
 * and the names of the attributes that failed. Never a value, an id, a person or a thought.
 */
function describe(item: string, schema: z.ZodType, raw: RawItem, error: z.ZodError) {
  const shape = (value: unknown) =>
    typeof value === "string"
      ? value
          .split("#")
          .map((word) => (shapeWord.test(word) ? word : "…"))
          .join("#")
      : "?";
  const known = "shape" in schema ? (schema.shape as Record<string, unknown>) : undefined;
  const fields = new Set(
    error.issues.map((issue) => {
      const first = issue.path[0];
      if (first === undefined) return "(item)";
      return typeof first === "string" && fieldName.test(first) && (!known || first in known) ? first : "…";
    }),
  );
  return {
    item,
    key: raw.pk === undefined && raw.sk === undefined ? "(entry)" : `${shape(raw.pk)}/${shape(raw.sk)}`,
    fields: [...fields].join(","),
  };
}
