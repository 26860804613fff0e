import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * The web app's build, skipped when nothing it is built from has changed (docs/operations.md,
 * "Fast start"). What it is built from: every file under web/ but its outputs, the domain modules
 * it imports through `$domain` (and whatever those import), and the package manifest and lock.
 * Their content hash is written into the build output last, so an interrupted or failed build
 * never looks current.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const webDir = join(root, "web");
export const webBuildDir = join(webDir, "build");
/** A dot-file: the local server does not serve it (server.ts). */
export const stampFile = join(webBuildDir, ".source-hash");

const ignoredInWeb = new Set(["build", ".svelte-kit", "node_modules"]);

function filesUnder(dir: string, skip: ReadonlySet<string> = new Set()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/** Server-side modules the web app bundles: functions/domain (its `$domain` alias) and their imports. */
async function sharedModules(): Promise<string[]> {
  const entries = filesUnder(join(root, "functions", "domain")).filter((f) => f.endsWith(".ts"));
  const result = await build({
    entryPoints: entries,
    bundle: true,
    write: false,
    outdir: "out",
    packages: "external",
    platform: "neutral",
    metafile: true,
    logLevel: "silent",
  });
  return Object.keys(result.metafile.inputs).map((input) => resolve(root, input));
}

/** The content hash of everything the web build reads from this repository. */
export async function webSourceHash(): Promise<string> {
  const files = new Set([
    ...filesUnder(webDir, ignoredInWeb),
    ...(await sharedModules()),
    join(root, "package.json"),
    join(root, "package-lock.json"),
  ]);
  const hash = createHash("sha256");
  for (const file of [...files].sort()) {
    if (!existsSync(file)) continue;
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

export function builtHash(): string | undefined {
  try {
    if (!statSync(join(webBuildDir, "index.html")).isFile()) return undefined;
    return readFileSync(stampFile, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Runs `vite build web` in a child process (its memory and CPU leave with it). */
function viteBuild(options: { quiet: boolean }): Promise<void> {
  const vite = join(createRequire(import.meta.url).resolve("vite/package.json"), "..", "bin", "vite.js");
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [vite, "build", "web", ...(options.quiet ? ["--logLevel", "warn"] : [])],
      {
        cwd: root,
        stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      },
    );
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`The web build failed (exit ${code}).\n${output.trim()}`)),
    );
  });
}

export interface WebBuildResult {
  readonly built: boolean;
  readonly ms: number;
}

/**
 * Builds the web app unless its stamp matches the sources (`force` always builds). The hash is
 * taken before the build: an edit made while it runs changes the hash, so the next start rebuilds.
 */
export async function ensureWebBuild(
  options: { force?: boolean; quiet?: boolean } = {},
): Promise<WebBuildResult> {
  const started = performance.now();
  const hash = await webSourceHash();
  if (!options.force && builtHash() === hash) return { built: false, ms: performance.now() - started };
  rmSync(stampFile, { force: true });
  await viteBuild({ quiet: options.quiet ?? false });
  writeFileSync(stampFile, `${hash}\n`);
  return { built: true, ms: performance.now() - started };
}
