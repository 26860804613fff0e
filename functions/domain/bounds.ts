/**
 * What the domain can mean, as schemas every edge shares (docs/architecture.md, "Bounds"). A value
 * outside these is refused with a 400 before anything is written, so no stored item can hold it.
 */
import * as z from "zod";
import { scheduleYears } from "./limits.js";

/**
 * Instants Groundswell can schedule: the years 2000 to 2100, UTC. Wide enough for any real
 * strategy cycle and its clones; narrow enough that shifting one by years still gives an ISO
 * instant with a four-digit year, which every reader (and DynamoDB's string order) expects.
 */
export const earliestInstant = "2000-01-01T00:00:00.000Z";
export const latestInstant = "2100-12-31T23:59:59.999Z";
export const earliestYear = scheduleYears.earliest;
export const latestYear = scheduleYears.latest;

export const inInstantRange = (ms: number) =>
  Number.isFinite(ms) && ms >= Date.parse(earliestInstant) && ms <= Date.parse(latestInstant);

/** An ISO 8601 instant with an offset, within 2000–2100. */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .refine((iso) => inInstantRange(Date.parse(iso)), `must be between ${earliestYear} and ${latestYear}`);

/** A calendar day as stored (never finer, DESIGN §3.7). */
export const daySchema = z.iso.date();

/**
 * Names JavaScript gives a meaning on every object (`__proto__`, `constructor`, `toString`…). As a
 * key of a record they would change or shadow the object's prototype, and zod drops `__proto__`
 * silently, so they are refused wherever a request names object keys.
 */
export const reservedNames: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  "prototype",
]);

export const isPlainName = (name: string) => !reservedNames.has(name);

/**
 * Attribute names the report gives slices of its own: opinion groups are sliced as
 * `opinionGroup:A` (report/opinion.ts OPINION_ATTRIBUTE), so a directory attribute of that name
 * would be merged with them — people placed in a group they are not in, a group's numbers
 * mixed with a department's. Refused wherever a directory attribute is named.
 */
export const reportAttributeNames: ReadonlySet<string> = new Set(["opinionGroup"]);

/** A directory attribute's name: a short camelCase word like `department`. */
export const attributeNameSchema = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,31}$/, "attribute names are short camelCase words, like department")
  .refine(isPlainName, "is a reserved word; choose another name")
  .refine(
    (name) => !reportAttributeNames.has(name),
    "is the name the report gives opinion groups; choose another name",
  );

/**
 * A record whose keys are plain names. The check runs on the request's own keys, before zod
 * builds the output object (where a `__proto__` key would already have vanished).
 */
export function plainRecord<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z.preprocess(
    (input, ctx) => {
      if (typeof input === "object" && input !== null && !Array.isArray(input)) {
        for (const name of Object.keys(input)) {
          if (!isPlainName(name)) {
            ctx.addIssue({ code: "custom", message: "is a reserved word, not a plain name", path: [name] });
          }
        }
      }
      return input;
    },
    z.record(key, value),
  );
}
