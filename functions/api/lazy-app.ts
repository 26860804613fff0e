import { TrieRouter } from "hono/router/trie-router";
import { createAppWith } from "../app-shell.js";
import { createRouter } from "../routes/http.js";
import { type RouteModuleName, routeModules } from "../routes/modules.js";
import { type RouteTable, servedRouteTable } from "../routes/route-table.js";
import type { CoreServices, Services } from "../services.js";

type App = ReturnType<typeof createAppWith>;
type Env = Parameters<App["fetch"]>[1];
type ExecutionContext = Parameters<App["fetch"]>[2];

/**
 * The API as a Lambda serves it: the same routes as `createApp`, but a route module is imported
 * by the first request to one of its routes, so a cold start loads the code of the request it
 * serves and not the whole API's. The route table (routes/route-table.ts, built with the bundle)
 * says which module a request is for; each module gets the same middleware and error handling
 * around its routes (app-shell.ts), and paths no module declares (the API document, health,
 * unknown addresses) are answered by the shell alone. The shell has the core services only; the
 * repositories (services.ts, `withRepositories`) are imported and built with the first module.
 */
export function createLazyApp(core: CoreServices, table: Promise<RouteTable> = servedRouteTable()) {
  const modules = table.then((rows) => {
    const router = new TrieRouter<RouteModuleName>();
    for (const [method, path, name] of rows) router.add(method, `/api${path}`, name);
    return router;
  });
  const shell = createAppWith(core, createRouter);
  let services: Promise<Services> | undefined;
  const withRepositories = () => {
    if (!services) {
      services = import("../services.js").then((m) => m.withRepositories(core));
      services.catch(() => {
        services = undefined;
      });
    }
    return services;
  };
  const apps = new Map<RouteModuleName, Promise<App>>();
  const appFor = (name: RouteModuleName) => {
    let app = apps.get(name);
    if (!app) {
      const { mount, load } = routeModules[name];
      app = Promise.all([load(), withRepositories()]).then(([routes, s]) =>
        createAppWith(s, (services) => createRouter().route(mount, routes(services))),
      );
      // A failed import (a deployment mid-flight) is tried again by the next request.
      app.catch(() => apps.delete(name));
      apps.set(name, app);
    }
    return app;
  };
  return {
    async fetch(request: Request, env?: Env, context?: ExecutionContext): Promise<Response> {
      const method = request.method === "HEAD" ? "GET" : request.method;
      const [matches] = (await modules).match(method, new URL(request.url).pathname);
      const name = matches[0]?.[0];
      return (name ? await appFor(name) : shell).fetch(request, env, context);
    },
  };
}
