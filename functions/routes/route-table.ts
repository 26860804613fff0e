import type { Services } from "../services.js";
import { createRouter } from "./http.js";
import { type RouteModuleName, routeModules } from "./modules.js";

/** Every route's method and path (Hono's syntax, under /api) and the module that declares it. */
export type RouteTable = ReadonlyArray<readonly [method: string, path: string, module: RouteModuleName]>;

/**
 * Services for declaring the routes without running them: declaring a route reads no service,
 * and one that starts to fails here, loudly, rather than build a wrong table or document.
 */
export const declarationsOnly = new Proxy(
  {},
  {
    get(_, key) {
      throw new Error(
        `A route read services.${String(key)} while being declared; route tables and the OpenAPI document are built from the declarations alone.`,
      );
    },
  },
) as Services;

/** The route table of the declarations, in routes/index.ts's order. Loads every route module. */
export async function buildRouteTable(): Promise<RouteTable> {
  const table: [string, string, RouteModuleName][] = [];
  for (const [name, module] of Object.entries(routeModules) as [
    RouteModuleName,
    (typeof routeModules)[RouteModuleName],
  ][]) {
    const router = createRouter().route(module.mount, (await module.load())(declarationsOnly));
    for (const { method, path } of router.routes)
      if (method !== "ALL" && !table.some(([m, p]) => m === method && p === path))
        table.push([method, path, name]);
  }
  return table;
}

/**
 * What api/lazy-app.ts routes by. Here, the table built from the declarations; a Lambda bundle
 * replaces this module with the table built when the bundle was built (infra/bundle.ts), so a
 * cold start loads no route module it does not serve.
 */
export const servedRouteTable = (): Promise<RouteTable> => buildRouteTable();
