import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main, parseCliArgs, UsageError } from "../../../functions/cli/themes.js";
import { themeReportSchema } from "../../../functions/themes/schema.js";
import { syntheticThoughts } from "../../../functions/themes/synthetic-corpus.js";

const folder = mkdtempSync(join(tmpdir(), "themes-cli-"));
const thoughts = syntheticThoughts(120, 4, 5);
const csvFile = join(folder, "thoughts.csv");
writeFileSync(
  csvFile,
  `id,text\n${thoughts.map((t) => `${t.id},"${t.text.replaceAll('"', '""')}"`).join("\n")}\n`,
);

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("parseCliArgs", () => {
  it("reads every option", () => {
    expect(
      parseCliArgs(["--in", "a.csv", "--k", "7", "--engine", "offline", "--format", "md", "--out", "r.md"]),
    ).toEqual({ input: "a.csv", k: 7, engine: "offline", format: "md", output: "r.md" });
    expect(parseCliArgs(["--in", "a.csv"])).toEqual({ input: "a.csv", engine: "offline", format: "json" });
    expect(parseCliArgs(["--help"])).toBe("help");
  });

  it("rejects bad arguments with a one-line reason", () => {
    expect(() => parseCliArgs([])).toThrow(/--in FILE is required/);
    expect(() => parseCliArgs(["--in", "a", "--k", "0"])).toThrow(/--k must be a positive integer/);
    expect(() => parseCliArgs(["--in", "a", "--k", "three"])).toThrow(UsageError);
    expect(() => parseCliArgs(["--in", "a", "--engine", "gpt"])).toThrow(
      /--engine must be offline or openai/,
    );
    expect(() => parseCliArgs(["--in", "a", "--format", "xml"])).toThrow(/--format must be json or md/);
    expect(() => parseCliArgs(["--in", "a", "--verbose"])).toThrow(UsageError);
  });
});

describe("main", () => {
  it("prints a JSON report whose themes list the input ids", async () => {
    const { code, stdout, stderr } = await run("--in", csvFile, "--k", "4");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = themeReportSchema.parse(JSON.parse(stdout));
    expect(report.themes).toHaveLength(4);
    expect(report.themes.flatMap((t) => t.thoughtIds).sort()).toEqual(thoughts.map((t) => t.id).sort());
  });

  it("writes a markdown report to --out", async () => {
    const out = join(folder, "report.md");
    const { code, stdout } = await run("--in", csvFile, "--format", "md", "--out", out);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    const markdown = readFileSync(out, "utf8");
    expect(markdown).toMatch(/^# Themes\n/);
    expect(markdown).toMatch(/\n## 1\. /);
    expect(markdown).toContain("**Representative thoughts:**");
  });

  it("refuses the OpenAI engine for now with exit code 2", async () => {
    const { code, stderr } = await run("--in", csvFile, "--engine", "openai");
    expect(code).toBe(2);
    expect(stderr).toMatch(/OpenAI engine is not available in this build yet/);
  });

  it("fails clearly on bad arguments, missing files and bad content", async () => {
    expect(await run("--k", "2")).toMatchObject({
      code: 2,
      stderr: "themes: --in FILE is required (see --help)\n",
    });
    const missing = await run("--in", join(folder, "nope.csv"));
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toMatch(/^themes: cannot read .*nope\.csv: no such file\n$/);
    const bad = join(folder, "bad.jsonl");
    writeFileSync(bad, '{"text": "fine"}\nnot json\n');
    expect(await run("--in", bad)).toMatchObject({
      code: 1,
      stderr: `themes: ${bad}: line 2: not valid JSON\n`,
    });
  });
});

describe("the command", () => {
  it("runs under tsx and exits 0 with JSON on standard output", { timeout: 60_000 }, () => {
    const linesFile = join(folder, "thoughts.txt");
    writeFileSync(linesFile, thoughts.map((t) => t.text).join("\n"));
    const script = fileURLToPath(new URL("../../../functions/cli/themes.ts", import.meta.url));
    const result = spawnSync(process.execPath, ["--import", "tsx", script, "--in", linesFile], {
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const report = themeReportSchema.parse(JSON.parse(result.stdout));
    expect(report.themes.flatMap((t) => t.thoughtIds)).toContain("120");
  });
});
