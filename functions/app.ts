import { createAppWith } from "./app-shell.js";
import { apiRoutes } from "./routes/index.js";
import { type AppDeps, createServices, type Services } from "./services.js";

/**
 * The whole API in one Hono app: the embedded default, tests and the web app's typed client.
 * Built from dependencies, or from ready services when the caller needs them too (tests, workers).
 */
export function createApp(deps: AppDeps | Services) {
  return createAppWith("conversations" in deps ? deps : createServices(deps), apiRoutes);
}

export type AppType = ReturnType<typeof createApp>;
