import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// SvelteKit takes the working directory as its project root, and the root script runs
// `vite build web` from the repository root: move into web/ before SvelteKit's plugin loads.
const here = fileURLToPath(new URL(".", import.meta.url));
if (resolve(process.cwd()) !== resolve(here)) process.chdir(here);
const { sveltekit } = await import("@sveltejs/kit/vite");

export default defineConfig({
  plugins: [sveltekit()],
  build: {
    // Gzipping every chunk only to print its size: npm start builds quietly and nobody reads it.
    reportCompressedSize: false,
    // Rolldown warns that SvelteKit's writeBundle is slow: it is SvelteKit running the client build.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    // `vite dev web` against the API of `npm start` (or `npm run dev:api`).
    proxy: { "/api": `http://127.0.0.1:${process.env.API_PORT ?? 3000}` },
    fs: { allow: [".."] },
  },
});
