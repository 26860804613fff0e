import { parse } from "csv-parse/sync";
import * as z from "zod";
import type { FieldIssue } from "../errors.js";
import { isPlainName, reportAttributeNames } from "./bounds.js";
import { type Person, roles } from "./person.js";

/** DESIGN §7: `email,name,role,<attributes…>`; attribute headers become camelCase names. */
export const maxImportRows = 10_000;
/** Attribute columns a directory may have, and how long their names may be. */
export const maxAttributeColumns = 30;
const maxAttributeNameLength = 64;
const fixedColumns = ["email", "name", "role"];

const rowSchema = z.object({
  email: z.email("not an email address").max(254),
  name: z.string().trim().min(1, "a name is required").max(120),
  role: z.preprocess(
    (v) => (v === "" || v === undefined ? "employee" : String(v).toLowerCase()),
    z.enum(roles, {
      error: (issue) => `"${String(issue.input)}" is not a role: use ${roles.join(", ")} (or leave it empty)`,
    }),
  ),
});

export type Delimiter = "," | ";" | "\t";
const delimiterNames: Record<Delimiter, string> = { ",": "commas", ";": "semicolons", "\t": "tabs" };

/**
 * Spreadsheets in many locales save "CSV" with semicolons, and some exports use tabs: the header
 * line says which (the separator it holds most of, outside quotes).
 */
export function detectDelimiter(csv: string): Delimiter {
  const firstLine = csv.split(/\r?\n/, 1)[0]?.replace(/"[^"]*"/g, "") ?? "";
  const counts = ([",", ";", "\t"] as const).map((d) => [d, firstLine.split(d).length - 1] as const);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ",";
}

/** The 1-based line where a quoted field opens and never closes, or null. */
function unclosedQuoteLine(csv: string, delimiter: Delimiter): number | null {
  let line = 1;
  let openedAt: number | null = null;
  let atFieldStart = true;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (openedAt !== null) {
      if (ch === '"') {
        if (csv[i + 1] === '"') i++;
        else openedAt = null;
      } else if (ch === "\n") line++;
      continue;
    }
    if (ch === '"' && atFieldStart) openedAt = line;
    if (ch === "\n") line++;
    atFieldStart = ch === delimiter || ch === "\n" || (atFieldStart && (ch === " " || ch === "\r"));
  }
  return openedAt;
}

/** The parser's complaint in a person's words, with the line they would look at. */
function csvProblem(
  csv: string,
  delimiter: Delimiter,
  error: Error & { code?: string; lines?: number },
): string {
  if (error.code === "CSV_QUOTE_NOT_CLOSED") {
    const line = unclosedQuoteLine(csv, delimiter);
    return `a quote (") opens on line ${line ?? "?"} and is never closed: close it, or remove it if it is part of a name`;
  }
  if (error.code === "INVALID_OPENING_QUOTE" || error.code === "CSV_INVALID_CLOSING_QUOTE") {
    return `line ${error.lines ?? "?"} has a quote (") in the middle of a value: put the whole value in quotes and double the quote inside ("")`;
  }
  return `the file could not be read as CSV near line ${error.lines ?? "?"}`;
}

export interface ParsedImport {
  readonly people: Omit<Person, "id">[];
  readonly errors: FieldIssue[];
  readonly attributeNames: string[];
  /** The separator the file uses (commas unless its header says otherwise). */
  readonly delimiter: Delimiter;
}

export function attributeKey(header: string): string {
  const words = header
    .trim()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
}

/** Parses and validates every row; nothing is written unless every row is valid. */
export function parseDirectoryCsv(input: string): ParsedImport {
  const csv = input.replace(/^\uFEFF/, "");
  const delimiter = detectDelimiter(csv);
  const fail = (errors: FieldIssue[]): ParsedImport => ({
    people: [],
    attributeNames: [],
    delimiter,
    errors,
  });
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, {
      delimiter,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    return fail([{ path: "csv", message: csvProblem(csv, delimiter, error as Error) }]);
  }
  const [head, ...body] = records;
  const header = head?.record;
  if (!header) return fail([{ path: "csv", message: "the file is empty" }]);
  const columns = header.map((h) => attributeKey(h));
  const missing = fixedColumns.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    const found =
      header.length === 1
        ? ` The header has one column only ("${header[0]?.slice(0, 60)}"): separate columns with commas, semicolons or tabs.`
        : "";
    return fail([
      {
        path: "header",
        message: `missing column(s): ${missing.join(", ")} (expected email,name,role,… separated by ${delimiterNames[delimiter]}).${found}`,
      },
    ]);
  }
  const rows = body.map((r) => r.record);
  // The line a spreadsheet shows for each row: where its record ends (quoted values may span lines).
  const lineOf = body.map((r) => r.info.lines);
  if (rows.length > maxImportRows) {
    return fail([
      { path: "csv", message: `at most ${maxImportRows} people per import (this file has ${rows.length})` },
    ]);
  }
  const attributeNames = columns.filter((c) => c && !fixedColumns.includes(c));
  const reportNames = attributeNames.filter((c) => reportAttributeNames.has(c));
  const badColumns = attributeNames.filter(
    (c) => !reportAttributeNames.has(c) && (!isPlainName(c) || c.length > maxAttributeNameLength),
  );
  if (badColumns.length > 0 || reportNames.length > 0 || attributeNames.length > maxAttributeColumns) {
    return fail([
      ...reportNames.map((c) => ({
        path: "header",
        message: `column "${c}" is the name the report gives opinion groups (raters who rate alike): rename the column, for example to "team"`,
      })),
      ...badColumns.map((c) => ({
        path: "header",
        message: `column "${c.slice(0, 40)}" cannot be an attribute name: use a short plain word`,
      })),
      ...(attributeNames.length > maxAttributeColumns
        ? [
            {
              path: "header",
              message: `at most ${maxAttributeColumns} attribute columns (this file has ${attributeNames.length})`,
            },
          ]
        : []),
    ]);
  }
  const errors: FieldIssue[] = [];
  const people: Omit<Person, "id">[] = [];
  const seen = new Map<string, number>();
  rows.forEach((cells, index) => {
    const rowNumber = lineOf[index] ?? index + 2;
    const record = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ""]));
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ path: `row ${rowNumber}.${issue.path.join(".")}`, message: issue.message });
      }
      return;
    }
    const email = parsed.data.email.toLowerCase();
    const firstRow = seen.get(email);
    if (firstRow !== undefined) {
      errors.push({ path: `row ${rowNumber}.email`, message: `${email} is already on row ${firstRow}` });
      return;
    }
    seen.set(email, rowNumber);
    const attributes = Object.fromEntries(
      attributeNames.flatMap((name) => (record[name] ? [[name, record[name].slice(0, 100)]] : [])),
    );
    people.push({ email, name: parsed.data.name, role: parsed.data.role, attributes, active: true });
  });
  return { people, errors, attributeNames, delimiter };
}
