// `npm start`. Plain JavaScript, so Node runs it without a TypeScript loader: the local server
// (functions/local/main.ts and everything it imports from functions/) is bundled by esbuild once
// and the bundle is kept in node_modules/.cache/groundswell/server/, named by the content hash of
// its sources; a later start with the same sources imports the bundle straight away, which loads
// in about a quarter less CPU than compiling each module through tsx (docs/operations.md,
// "Fast start"). Packages stay in node_modules, imported as usual.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
// Inside node_modules (never GROUNDSWELL_CACHE_DIR): the bundle imports its packages from there.
const cacheDir = join(root, "node_modules", ".cache", "groundswell", "server");

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/** Everything the bundle is made from: the server's sources, how they compile, and the packages. */
function sourceHash() {
  const files = [
    ...filesUnder(join(root, "functions")),
    join(root, "package-lock.json"),
    join(root, "tsconfig.json"),
  ].sort();
  // And where they are: the bundle holds its modules' absolute addresses (ownUrlPlugin), so a
  // clone sharing this node_modules (npm run bench:start) must not import another's bundle.
  const hash = createHash("sha256").update(root).update("\0");
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 20);
}

/**
 * A module's own address, written into it: code that finds files beside itself
 * (`new URL("./x", import.meta.url)`) must keep finding them from inside the bundle.
 */
const ownUrlPlugin = {
  name: "own-import-meta-url",
  setup(builder) {
    builder.onLoad({ filter: /[\\/]functions[\\/].*\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, "utf8")).replaceAll(
        "import.meta.url",
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: "ts",
    }));
  },
};

async function bundle(outdir) {
  const { build } = await import("esbuild");
  // Built beside its final place and renamed into it: a start that dies half-way leaves no bundle.
  const partial = `${outdir}.partial-${process.pid}`;
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, "functions/local/main.ts")],
    outdir: partial,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    plugins: [ownUrlPlugin],
    logLevel: "warning",
  });
  try {
    renameSync(partial, outdir);
  } catch (error) {
    // Another start finished the same bundle first.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(outdir)) throw error;
  }
  for (const old of readdirSync(cacheDir)) {
    if (join(cacheDir, old) !== outdir && !old.includes(".partial-"))
      rmSync(join(cacheDir, old), { recursive: true, force: true });
  }
}

const outdir = join(cacheDir, sourceHash());
if (!existsSync(join(outdir, "main.mjs"))) {
  mkdirSync(cacheDir, { recursive: true });
  await bundle(outdir);
}
process.setSourceMapsEnabled(true);
await import(pathToFileURL(join(outdir, "main.mjs")).href);
