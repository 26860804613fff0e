import { ensureWebBuild } from "./web-build.js";

/**
 * `npm run build:web`: builds the web app into web/build and stamps it with the hash of its
 * sources. `--if-changed` skips the build when the stamp matches (what `npm start` does).
 */
const ifChanged = process.argv.includes("--if-changed");
try {
  const result = await ensureWebBuild({ force: !ifChanged });
  console.log(
    result.built
      ? `Web app built in ${(result.ms / 1000).toFixed(1)} s.`
      : "Web app unchanged since its last build: build skipped.",
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
