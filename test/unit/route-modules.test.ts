import { describe, expect, it } from "vitest";
import { createRouter } from "../../functions/routes/http.js";
import { apiRoutes } from "../../functions/routes/index.js";
import { buildRouteTable, declarationsOnly } from "../../functions/routes/route-table.js";

/**
 * A Lambda finds the module to load for a request in the route table built from
 * routes/modules.ts (api/lazy-app.ts); the embedded default, the tests and the OpenAPI document
 * use routes/index.ts. Both must declare the same routes, in the same order, or a route would be
 * served in one place and answer 404 in the other.
 */
describe("route modules", () => {
  it("list exactly the routes apiRoutes mounts, in its order", async () => {
    const app = createRouter().route("/", apiRoutes(declarationsOnly));
    const declared: [string, string][] = [];
    for (const { method, path } of app.routes)
      if (method !== "ALL" && !declared.some(([m, p]) => m === method && p === path))
        declared.push([method, path]);
    const table = await buildRouteTable();
    expect(table.map(([method, path]) => [method, path])).toEqual(declared);
    expect(declared.length).toBeGreaterThan(40);
  });

  it("give each route to one module", async () => {
    const table = await buildRouteTable();
    expect(
      table.find(
        ([method, path]) => method === "PUT" && path === "/conversations/:id/ratings/:thoughtId",
      )?.[2],
    ).toBe("ratings");
    expect(table.find(([method, path]) => method === "POST" && path === "/cycles/:id/clone")?.[2]).toBe(
      "cycles",
    );
    expect(new Set(table.map(([method, path]) => `${method} ${path}`)).size).toBe(table.length);
  });
});
