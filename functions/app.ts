import { createAppWith } from "./app-shell.js";
import { apiRoutes } from "./routes/index.js";
import type { AppDeps, Services } from "./services.js";

/** The whole API in one Hono app: the embedded default, tests and the web app's typed client. */
export function createApp(deps: AppDeps | Services) {
  return createAppWith(deps, apiRoutes);
}

export type AppType = ReturnType<typeof createApp>;
