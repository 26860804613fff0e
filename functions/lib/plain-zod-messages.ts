import * as z from "zod";

/**
 * Field errors reach people: the API returns them in problem responses and the web app shows
 * them beside the fields. Zod's defaults read like a type checker ("Too small: expected string to
 * have >=2 characters"); these say the same in plain words. A schema's own message still wins.
 */
type Issue = z.core.$ZodRawIssue;

const count = (n: number | bigint) => Number(n).toLocaleString("en-US");
const items = (n: number | bigint) => `${count(n)} ${Number(n) === 1 ? "item" : "items"}`;

export function plainZodMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case "too_small": {
      const n = issue.minimum;
      if (issue.origin === "string")
        return Number(n) <= 1 ? "is required" : `needs at least ${count(n)} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `needs at least ${items(n)}`;
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
        return issue.inclusive ? `must be at least ${count(n)}` : `must be more than ${count(n)}`;
      }
      return undefined;
    }
    case "too_big": {
      const n = issue.maximum;
      if (issue.origin === "string") return `can be at most ${count(n)} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `can have at most ${items(n)}`;
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
        return issue.inclusive ? `must be at most ${count(n)}` : `must be less than ${count(n)}`;
      }
      return undefined;
    }
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      if (issue.expected === "int") return "must be a whole number";
      if (issue.expected === "number") return "must be a number";
      if (issue.expected === "string") return "must be text";
      if (issue.expected === "boolean") return "must be true or false";
      return undefined;
    default:
      return undefined;
  }
}

/** Installs the plain messages for every schema; zod keeps one global configuration. */
export function usePlainZodMessages(): void {
  z.config({ customError: plainZodMessage });
}
