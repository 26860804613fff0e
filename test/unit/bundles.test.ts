import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routeModules as routeModuleTable } from "../../functions/routes/modules.js";
import { bundleLambda } from "../../infra/bundle.js";

/**
 * What each Lambda loads at init, from the bundles the stack deploys (infra/bundle.ts). The
 * theme engines, their NLP model and the report computation belong to the theme-job worker: the
 * API and the scheduler only enqueue theme runs, and every kilobyte they load is paid on each cold
 * start (DESIGN §8). The API's person-name finder (compromise), CSV parser and exporters are
 * lazy chunks, loaded by the first share, directory import or download, never at init. Sizes and init times are the bench's (`npm run bench`).
 */
const out = mkdtempSync(join(tmpdir(), "groundswell-bundles-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The inputs of what loads at init (the entry and its static chunks), and of each lazy chunk. */
async function inputsOf(entry: string) {
  const { initFiles, chunks, metafile } = await bundleLambda(entry, join(out, entry.replace(/\W/g, "-")));
  const output = (path: string) => {
    const found = Object.entries(metafile.outputs).find(([p]) => resolve(p) === path);
    if (!found) throw new Error(`no output ${path}`);
    return found[1];
  };
  const inputs = (path: string) => Object.keys(output(path).inputs);
  /** Packages left to the runtime (the AWS SDK) that a cold start imports. */
  const externals = initFiles.flatMap((path) =>
    output(path)
      .imports.filter((i) => i.external && i.kind === "import-statement")
      .map((i) => i.path),
  );
  /** Every package the bundle leaves to the runtime, imported at init or by a lazy chunk. */
  const everyExternal = Object.values(metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external).map((i) => i.path),
  );
  return { init: initFiles.flatMap(inputs), chunks: chunks.map(inputs), externals, everyExternal };
}

/** Runs theme jobs: the engines, their NLP and linear algebra, the report computation. */
const themeWork = (path: string) =>
  /node_modules\/(wink-|ml-matrix|openai\/)|functions\/themes\/|functions\/report\/compute|functions\/workers\/theme-run/.test(
    path,
  );
/** Rare and heavy: the first share's name finder, the directory import's CSV parser, the exporters. */
const firstUseOnly = {
  "name finder": (path: string) => path.includes("node_modules/compromise/"),
  "CSV parser": (path: string) => path.includes("node_modules/csv-parse/"),
  exporters: (path: string) => path.endsWith("functions/report/export.ts"),
};

describe("Lambda bundles", () => {
  it("load no theme work at init in the API and the scheduler; the worker has its NLP model", async () => {
    const [api, scheduler, worker] = await Promise.all([
      inputsOf("functions/api/handler.ts"),
      inputsOf("functions/scheduler/handler.ts"),
      inputsOf("functions/workers/worker-handler.ts"),
    ]);
    expect(api.init.filter(themeWork)).toEqual([]);
    expect(api.chunks.flat().filter(themeWork)).toEqual([]);
    expect(scheduler.init.filter(themeWork)).toEqual([]);
    // SQS and Cognito are imported by the first request that needs them (aws/sqs.ts, auth/cognito-directory.ts).
    for (const lazySdk of ["@aws-sdk/client-sqs", "@aws-sdk/client-cognito-identity-provider"]) {
      expect(api.externals).not.toContain(lazySdk);
      expect(scheduler.externals).not.toContain(lazySdk);
    }
    expect(api.externals).toContain("@aws-sdk/client-dynamodb");
    // The OpenAPI document is generated when the bundle is built (infra/bundle.ts), not at run time.
    expect(api.init.filter((path) => path.includes("node_modules/@asteasolutions/zod-to-openapi"))).toEqual(
      [],
    );
    // Nor does it generate JSON Schema: zod's generator is stubbed in its bundle (noJsonSchemaPlugin).
    const jsonSchema = (path: string) => path === "node_modules/zod/v4/core/to-json-schema.js";
    expect(api.init.filter(jsonSchema)).toEqual([]);
    expect(worker.init.some(jsonSchema)).toBe(true);
    expect(worker.init.some((path) => path.includes("node_modules/wink-eng-lite-web-model"))).toBe(true);
  }, 120_000);

  it("read the author-key secret through the extension: no Secrets Manager client in any bundle", async () => {
    const bundles = await Promise.all(
      [
        "functions/api/handler.ts",
        "functions/scheduler/handler.ts",
        "functions/workers/worker-handler.ts",
      ].map(inputsOf),
    );
    for (const { everyExternal, init, chunks } of bundles) {
      expect(everyExternal).toContain("@aws-sdk/client-dynamodb"); // the check sees the SDK's imports
      expect(everyExternal.filter((path) => path.includes("client-secrets-manager"))).toEqual([]);
      expect([...init, ...chunks.flat()].filter((path) => path.includes("client-secrets-manager"))).toEqual(
        [],
      );
      expect(init).toContain("functions/aws/secrets-extension.ts");
    }
  }, 120_000);

  it("load no route module and no repository but the directory's at the API's init", async () => {
    const api = await inputsOf("functions/api/handler.ts");
    // Sign-in reads the directory (core-services.ts); every other repository and item schema comes
    // with the first route module (api/lazy-app.ts), as do the route modules themselves.
    const directoryOnly = [
      "functions/db/items/directory.ts",
      "functions/db/items/names.ts",
      "functions/repositories/directory.ts",
      "functions/repositories/names-index.ts",
    ];
    const stored = (path: string) => /^functions\/(repositories|db\/items)\//.test(path);
    expect(api.init.filter(stored).sort()).toEqual(directoryOnly);
    expect(api.chunks.flat()).toContain("functions/repositories/conversations.ts");
    const routeModules = Object.keys(routeModuleTable).map((name) => `functions/routes/${name}.ts`);
    expect(api.init.filter((path) => routeModules.includes(path))).toEqual([]);
    expect(api.chunks.flat()).toEqual(expect.arrayContaining(routeModules));
  }, 120_000);

  it("keep the API's name finder, CSV parser and exporters in lazy chunks, out of init", async () => {
    const api = await inputsOf("functions/api/handler.ts");
    for (const [what, matches] of Object.entries(firstUseOnly)) {
      expect(api.init.filter(matches), what).toEqual([]);
      expect(
        api.chunks.some((chunk) => chunk.some(matches)),
        what,
      ).toBe(true);
    }
  }, 120_000);
});
