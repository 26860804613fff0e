import { parse } from "csv-parse/sync";
import { z } from "zod";
import type { FieldIssue } from "../errors.js";
import { type Person, roles } from "./person.js";

/** DESIGN §7: `email,name,role,<attributes…>`; attribute headers become camelCase names. */
export const maxImportRows = 10_000;
const fixedColumns = ["email", "name", "role"];

const rowSchema = z.object({
  email: z.email("not an email address").max(254),
  name: z.string().trim().min(1, "a name is required").max(120),
  role: z.preprocess(
    (v) => (v === "" || v === undefined ? "employee" : String(v).toLowerCase()),
    z.enum(roles),
  ),
});

export interface ParsedImport {
  readonly people: Omit<Person, "id">[];
  readonly errors: FieldIssue[];
  readonly attributeNames: string[];
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
export function parseDirectoryCsv(csv: string): ParsedImport {
  let records: string[][];
  try {
    records = parse(csv.replace(/^\uFEFF/, ""), {
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch (error) {
    return {
      people: [],
      attributeNames: [],
      errors: [{ path: "csv", message: `the file is not valid CSV: ${(error as Error).message}` }],
    };
  }
  const [header, ...rows] = records;
  if (!header)
    return { people: [], attributeNames: [], errors: [{ path: "csv", message: "the file is empty" }] };
  const columns = header.map((h) => attributeKey(h));
  const missing = fixedColumns.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    return {
      people: [],
      attributeNames: [],
      errors: [
        { path: "header", message: `missing column(s): ${missing.join(", ")} (expected email,name,role,…)` },
      ],
    };
  }
  if (rows.length > maxImportRows) {
    return {
      people: [],
      attributeNames: [],
      errors: [
        { path: "csv", message: `at most ${maxImportRows} people per import (this file has ${rows.length})` },
      ],
    };
  }
  const attributeNames = columns.filter((c) => c && !fixedColumns.includes(c));
  const errors: FieldIssue[] = [];
  const people: Omit<Person, "id">[] = [];
  const seen = new Map<string, number>();
  rows.forEach((cells, index) => {
    const rowNumber = index + 2; // 1-based, after the header: what a spreadsheet shows
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
  return { people, errors, attributeNames };
}
