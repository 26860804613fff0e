import { resolve } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/**
 * The NLP model behind offline theme titles (wink-nlp and its 3.8 MB English model) and the theme
 * engines belong to the theme-job worker: the API and scheduler Lambdas only enqueue theme runs,
 * and every kilobyte of their bundles is paid on each cold start (DESIGN §8).
 */
const root = resolve(import.meta.dirname, "../..");

async function inputsOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    target: "node22",
    format: "esm",
    external: ["@aws-sdk/*"],
    logLevel: "silent",
  });
  return Object.keys(result.metafile.inputs);
}

const engine = (path: string) => /node_modules\/wink-|functions\/themes\/(engine|titles|openai\/)/.test(path);

describe("Lambda bundles", () => {
  it("keep the theme engine and its NLP model in the worker only", async () => {
    const [api, scheduler, worker] = await Promise.all([
      inputsOf("functions/api/handler.ts"),
      inputsOf("functions/scheduler/handler.ts"),
      inputsOf("functions/workers/worker-handler.ts"),
    ]);
    expect(api.filter(engine)).toEqual([]);
    expect(scheduler.filter(engine)).toEqual([]);
    expect(worker.some((path) => path.includes("node_modules/wink-eng-lite-web-model"))).toBe(true);
  }, 60_000);
});
