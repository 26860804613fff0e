import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { computeThemes } from "../themes/engine.js";
import { detectFormat, InputError, parseThoughts } from "../themes/input.js";
import { renderThemeReportMarkdown } from "../themes/markdown.js";
import { themeReportSchema } from "../themes/schema.js";

const USAGE = `Usage: npm run themes -- --in FILE [--k N] [--engine offline|openai] [--format json|md] [--out FILE]

Groups thoughts into themes. FILE is CSV (column "text", optional "id" and "score"), JSONL ({"id"?, "text",
"score"?} per line) or plain text (one thought per line); ids default to row or line numbers.

  --in FILE        thoughts to theme (required)
  --k N            number of themes (default: chosen automatically)
  --engine NAME    offline (default) or openai
  --format FORMAT  json (default) or md
  --out FILE       write the report here instead of standard output
  --seed N         random seed (default: fixed, so runs repeat exactly)`;

export interface CliOptions {
  input: string;
  k?: number;
  engine: "offline" | "openai";
  format: "json" | "md";
  output?: string;
  seed?: number;
}

/** A usage mistake: reported in one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

function positiveInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}

/** Returns the options, or "help" when help was asked for. */
export function parseCliArgs(argv: readonly string[]): CliOptions | "help" {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]!);
  }
  if (values.help) return "help";
  if (!values.in) throw new UsageError("--in FILE is required");
  const engine = values.engine ?? "offline";
  if (engine !== "offline" && engine !== "openai")
    throw new UsageError(`--engine must be offline or openai, got "${engine}"`);
  const format = values.format ?? "json";
  if (format !== "json" && format !== "md")
    throw new UsageError(`--format must be json or md, got "${format}"`);
  return {
    input: values.in,
    engine,
    format,
    ...(values.k !== undefined ? { k: positiveInteger(values.k, "--k") } : {}),
    ...(values.out !== undefined ? { output: values.out } : {}),
    ...(values.seed !== undefined ? { seed: positiveInteger(values.seed, "--seed") } : {}),
  };
}

const OPTIONS = {
  in: { type: "string" },
  k: { type: "string" },
  engine: { type: "string" },
  format: { type: "string" },
  out: { type: "string" },
  seed: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs the command; returns the exit code (0 ok, 1 input or output failure, 2 usage). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let options: CliOptions | "help";
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    io.stderr(`themes: ${(error as Error).message} (see --help)\n`);
    return 2;
  }
  if (options === "help") {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (options.engine === "openai") {
    io.stderr("themes: the OpenAI engine is not available in this build yet; use --engine offline\n");
    return 2;
  }
  let content: string;
  try {
    content = await readFile(options.input, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? "unreadable");
    io.stderr(`themes: cannot read ${options.input}: ${reason}\n`);
    return 1;
  }
  try {
    const items = parseThoughts(content, detectFormat(options.input, content));
    const report = themeReportSchema.parse(computeThemes(items, { k: options.k, seed: options.seed }));
    const rendered =
      options.format === "md"
        ? renderThemeReportMarkdown(report, items)
        : `${JSON.stringify(report, null, 2)}\n`;
    if (options.output) await writeFile(options.output, rendered, "utf8");
    else io.stdout(rendered);
    return 0;
  } catch (error) {
    const message =
      error instanceof InputError ? `${options.input}: ${error.message}` : (error as Error).message;
    io.stderr(`themes: ${message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
