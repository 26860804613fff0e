import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Metafile, type Plugin } from "esbuild";

/**
 * How every Lambda is bundled: one esbuild configuration for the stack (infra/constructs/
 * node-lambda.ts runs this file at synth) and for `npm run bench`, so the bench measures what
 * deploys. Minified ESM for Node.js 22, source map beside it, the AWS SDK left to the runtime.
 * A dynamic `import()` becomes a chunk of its own beside `index.mjs`, loaded when first called
 * and not at init: the API's NLP name finder (functions/domain/person-finder.ts) is one.
 */
const repoRoot = fileURLToPath(new URL("../", import.meta.url));

/** The function entries, by the name the bench prints. */
export const lambdaEntries = {
  api: "functions/api/handler.ts",
  worker: "functions/workers/worker-handler.ts",
  scheduler: "functions/scheduler/handler.ts",
  "mail worker": "functions/notify/mail-worker-handler.ts",
  "mail suppression": "functions/notify/suppression-handler.ts",
} as const;

function replaceOnce(source: string, from: string, to: string, file: string): string {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0) {
    throw new Error(
      `infra/bundle.ts: expected exactly one \`${from}\` in ${file}. @hono/zod-openapi changed: ` +
        "check that it still hands zod's whole namespace to extendZodWithOpenApi, and update or drop this patch.",
    );
  }
  return source.slice(0, at) + to + source.slice(at + from.length);
}

/**
 * @hono/zod-openapi calls `extendZodWithOpenApi(z)` with zod's namespace object, and a namespace
 * used as a value makes esbuild keep every export of zod: its 40 locales (260 KB) and the JSON
 * Schema converters among them. That function reads `zod.ZodType` and nothing else
 * (@asteasolutions/zod-to-openapi 9.x), so the bundle hands it just that; the rest of zod is then
 * shaken like any other import. A changed library fails the build here rather than growing it.
 */
export const zodNamespacePlugin: Plugin = {
  name: "zod-namespace",
  setup(builder) {
    builder.onLoad({ filter: /[\\/]@hono[\\/]zod-openapi[\\/]dist[\\/]index\.mjs$/ }, async (args) => {
      let source = await readFile(args.path, "utf8");
      source = replaceOnce(source, 'import { z } from "zod";', 'import * as z from "zod";', args.path);
      source = replaceOnce(
        source,
        "extendZodWithOpenApi(z);",
        "extendZodWithOpenApi({ ZodType: z.ZodType });",
        args.path,
      );
      return { contents: source, loader: "js" };
    });
  },
};

const documentNamespace = "groundswell-openapi-document";

/**
 * The API's OpenAPI document is generated when the bundle is built, not at run time: the
 * generator (@asteasolutions/zod-to-openapi, ~30 KB minified) then stays out of the API's cold
 * start. The document comes from the same route declarations as everywhere else
 * (infra/openapi-document.ts); in the bundle, routes/api-document.ts answers it from a lazy chunk
 * loaded by the first GET /api/openapi.json, and @hono/zod-openapi gets a registry that keeps
 * nothing (infra/openapi-registry-stub.ts). test/unit/bundles.test.ts checks the bundle serves
 * the document the app generates.
 */
export const openApiAtBuildPlugin: Plugin = {
  name: "openapi-at-build",
  setup(builder) {
    builder.onResolve({ filter: /^@asteasolutions\/zod-to-openapi$/ }, (args) =>
      /[\\/]@hono[\\/]zod-openapi[\\/]/.test(args.importer)
        ? { path: join(repoRoot, "infra/openapi-registry-stub.ts") }
        : undefined,
    );
    builder.onLoad({ filter: /[\\/]functions[\\/]routes[\\/]api-document\.ts$/ }, () => ({
      contents: `let document;
export const servedApiDocument = async () => (document ??= (await import("${documentNamespace}")).default);`,
      loader: "js",
      resolveDir: repoRoot,
    }));
    builder.onResolve({ filter: new RegExp(`^${documentNamespace}$`) }, (args) => ({
      path: args.path,
      namespace: documentNamespace,
    }));
    builder.onLoad({ filter: /.*/, namespace: documentNamespace }, async () => {
      const { buildApiDocument } = await import("./openapi-document.js");
      return { contents: JSON.stringify(buildApiDocument()), loader: "json" };
    });
  },
};

/**
 * The API's route table (functions/routes/route-table.ts: each route's method and path, and the
 * module declaring it) is built when the bundle is built, from the same declarations: a Lambda
 * then imports only the route module a request is for (functions/api/lazy-app.ts), never all of
 * them to find out. test/unit/route-modules.test.ts checks the table against the app's routes.
 */
export const routeTableAtBuildPlugin: Plugin = {
  name: "route-table-at-build",
  setup(builder) {
    builder.onLoad({ filter: /[\\/]functions[\\/]routes[\\/]route-table\.ts$/ }, async () => {
      const { buildRouteTable } = await import("../functions/routes/route-table.js");
      return {
        contents: `export const servedRouteTable = async () => (${JSON.stringify(await buildRouteTable())});`,
        loader: "js",
      };
    });
  },
};

const noJsonSchemaNamespace = "groundswell-no-json-schema";
const noJsonSchema =
  "JSON Schema generation is not in the API bundle: its OpenAPI document is generated at build (infra/openapi-document.ts).";

/**
 * Zod 4's classic schemas reference its JSON Schema generator (`.toJSONSchema()`, each type's
 * processor, `~standard.jsonSchema`), so ~20 KB of it ships wherever zod does. The API generates
 * no JSON Schema at run time (see openApiAtBuildPlugin), so in its bundle those references get
 * functions that throw and say so; `aggregateChecks` (what `.minLength` and the like read) stays
 * zod's own. The stubs are built from the real module's exports, and an import classic/schemas.js
 * adds from to-json-schema.js fails the build ("No matching export") rather than slip through.
 * test/integration/lambda.test.ts runs validation through the real bundle.
 */
export const noJsonSchemaPlugin: Plugin = {
  name: "no-json-schema",
  setup(builder) {
    const classic = /[\\/]zod[\\/]v4[\\/]classic[\\/]schemas\.js$/;
    builder.onResolve({ filter: /^\.\.\/core\/(json-schema-processors|to-json-schema)\.js$/ }, (args) =>
      classic.test(args.importer)
        ? { path: join(args.resolveDir, args.path), namespace: noJsonSchemaNamespace }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: noJsonSchemaNamespace }, async (args) => {
      const unavailable = `const unavailable = () => { throw new Error(${JSON.stringify(noJsonSchema)}); };`;
      if (args.path.endsWith("to-json-schema.js"))
        return {
          contents: `${unavailable}
export const createToJSONSchemaMethod = () => unavailable;
export const createStandardJSONSchemaMethod = () => unavailable;`,
          loader: "js",
        };
      const names = Object.keys(await import(pathToFileURL(args.path).href));
      if (!names.includes("aggregateChecks"))
        throw new Error(
          "infra/bundle.ts: zod's json-schema-processors.js no longer exports aggregateChecks: update noJsonSchemaPlugin.",
        );
      return {
        contents: [
          `export { aggregateChecks } from ${JSON.stringify(args.path)};`,
          unavailable,
          ...names
            .filter((name) => name !== "aggregateChecks")
            .map((name) => `export const ${name} = unavailable;`),
        ].join("\n"),
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
  },
};

/** Entries that generate no JSON Schema at run time (noJsonSchemaPlugin). */
const withoutJsonSchema: readonly string[] = [lambdaEntries.api];

export interface BundleResult {
  /** The bundle, `<outdir>/index.mjs` (the handler is `index.handler`). */
  readonly file: string;
  /**
   * What a cold start loads: `file` and every chunk it imports statically, transitively (code
   * shared between the entry and a lazy chunk is split into a chunk of its own, loaded at init).
   */
  readonly initFiles: readonly string[];
  /** The other chunks, `<outdir>/chunks/*.mjs`: deployed, loaded by a dynamic import on first use. */
  readonly chunks: readonly string[];
  readonly metafile: Metafile;
}

/** `file` and the outputs it imports statically, transitively; absolute paths. */
function staticClosure(metafile: Metafile, file: string): string[] {
  const byPath = new Map(
    Object.entries(metafile.outputs).map(([path, output]) => [resolve(repoRoot, path), output]),
  );
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of byPath.get(path)?.imports ?? [])
      if (imported.kind === "import-statement" && !imported.external) visit(resolve(repoRoot, imported.path));
  };
  visit(file);
  return [...seen];
}

export async function bundleLambda(entry: string, outdir: string): Promise<BundleResult> {
  const dir = resolve(outdir);
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [join(repoRoot, entry)],
    outdir: dir,
    entryNames: "index",
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    splitting: true,
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: "node",
    target: "node22",
    format: "esm",
    mainFields: ["module", "main"],
    // The runtime ships AWS SDK v3; bundling it would only grow the package and the cold start.
    external: ["@aws-sdk/*"],
    // CommonJS dependencies bundled into ESM still call require().
    banner: {
      js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
    },
    plugins: [
      openApiAtBuildPlugin,
      routeTableAtBuildPlugin,
      zodNamespacePlugin,
      ...(withoutJsonSchema.includes(entry) ? [noJsonSchemaPlugin] : []),
    ],
    metafile: true,
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs)
    .filter((output) => output.endsWith(".mjs"))
    .map((output) => resolve(repoRoot, output));
  const file = join(dir, "index.mjs");
  const initFiles = staticClosure(result.metafile, file);
  return {
    file,
    initFiles,
    chunks: outputs.filter((output) => !initFiles.includes(output)),
    metafile: result.metafile,
  };
}

// `node --import tsx infra/bundle.ts <entry> <outdir>`: what the stack's local bundling runs.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [entry, outdir] = process.argv.slice(2);
  if (!entry || !outdir) {
    console.error("usage: node --import tsx infra/bundle.ts <entry> <outdir>");
    process.exit(2);
  }
  await bundleLambda(entry, outdir);
}
