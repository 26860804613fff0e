import { parse as parseCsv } from "csv-parse/sync";
import type { ThemeInputItem } from "./schema.js";

export type InputFormat = "csv" | "jsonl" | "lines";

/** A problem with the input file, worded for the person who supplied it. */
export class InputError extends Error {
  override name = "InputError";
}

/** By extension first (.csv, .jsonl/.ndjson, .txt/.md), then by content. */
export function detectFormat(fileName: string, content: string): InputFormat {
  const extension = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (extension === "csv") return "csv";
  if (extension === "jsonl" || extension === "ndjson") return "jsonl";
  if (extension === "txt" || extension === "md") return "lines";
  const firstLine =
    content
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .find((line) => line.trim() !== "") ?? "";
  if (firstLine.trim().startsWith("{")) {
    try {
      const value: unknown = JSON.parse(firstLine);
      if (value && typeof value === "object" && !Array.isArray(value)) return "jsonl";
    } catch {
      // Not JSON after all: fall through.
    }
  }
  const header = firstLine.split(",").map((cell) => cell.trim().replace(/^"|"$/g, "").toLowerCase());
  if (header.length > 1 && header.includes("text")) return "csv";
  return "lines";
}

function checkUnique(items: ThemeInputItem[], where: (index: number) => string): ThemeInputItem[] {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) throw new InputError(`duplicate id "${item.id}" (${where(index)})`);
    seen.add(item.id);
  });
  return items;
}

function optionalScore(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const score = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(score)) throw new InputError(`${where}: score "${String(value)}" is not a number`);
  return score;
}

/** CSV with a header row: column `text` (required), `id` and `score` (optional), any case. */
function parseCsvThoughts(content: string): ThemeInputItem[] {
  let rows: string[][];
  try {
    rows = parseCsv(content, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new InputError(`not valid CSV: ${(error as Error).message}`);
  }
  const header = (rows[0] ?? []).map((name) => name.trim().toLowerCase());
  const textColumn = header.indexOf("text");
  if (textColumn < 0)
    throw new InputError(`CSV has no "text" column (columns: ${header.join(", ") || "none"})`);
  const idColumn = header.indexOf("id");
  const scoreColumn = header.indexOf("score");
  const items: ThemeInputItem[] = [];
  const rowNumbers: number[] = [];
  rows.slice(1).forEach((row, index) => {
    const text = row[textColumn] ?? "";
    if (text.trim() === "") return;
    const rowNumber = index + 1;
    const id =
      idColumn >= 0 && (row[idColumn] ?? "").trim() !== "" ? row[idColumn]!.trim() : String(rowNumber);
    const score = scoreColumn >= 0 ? optionalScore(row[scoreColumn], `row ${rowNumber}`) : undefined;
    items.push(score === undefined ? { id, text } : { id, text, score });
    rowNumbers.push(rowNumber);
  });
  return checkUnique(items, (i) => `row ${rowNumbers[i]}`);
}

/** One JSON object per line: `text` (required), `id` (string or number) and `score` (optional). */
function parseJsonLines(content: string): ThemeInputItem[] {
  const items: ThemeInputItem[] = [];
  const lineNumbers: number[] = [];
  content
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .forEach((line, index) => {
      const lineNumber = index + 1;
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new InputError(`line ${lineNumber}: not valid JSON`);
      }
      if (!value || typeof value !== "object" || Array.isArray(value)) {
        throw new InputError(`line ${lineNumber}: expected a JSON object like {"id": "1", "text": "…"}`);
      }
      const record = value as Record<string, unknown>;
      if (typeof record.text !== "string")
        throw new InputError(`line ${lineNumber}: "text" must be a string`);
      if (record.text.trim() === "") return;
      const rawId = record.id;
      if (rawId !== undefined && typeof rawId !== "string" && typeof rawId !== "number") {
        throw new InputError(`line ${lineNumber}: "id" must be a string or a number`);
      }
      const id =
        rawId === undefined || String(rawId).trim() === "" ? String(lineNumber) : String(rawId).trim();
      const score = optionalScore(record.score, `line ${lineNumber}`);
      items.push(score === undefined ? { id, text: record.text } : { id, text: record.text, score });
      lineNumbers.push(lineNumber);
    });
  return checkUnique(items, (i) => `line ${lineNumbers[i]}`);
}

/** One thought per non-blank line; the id is the line number. */
function parseLines(content: string): ThemeInputItem[] {
  const items: ThemeInputItem[] = [];
  content
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() !== "") items.push({ id: String(index + 1), text: line.trim() });
    });
  return items;
}

/** Parses thoughts from file content. Blank texts are skipped; ids default to row or line numbers. */
export function parseThoughts(content: string, format: InputFormat): ThemeInputItem[] {
  if (format === "csv") return parseCsvThoughts(content);
  if (format === "jsonl") return parseJsonLines(content);
  return parseLines(content);
}
