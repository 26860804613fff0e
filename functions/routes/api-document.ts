import type { Router } from "./http.js";

const info = {
  title: "Groundswell API",
  version: "1.0.0",
  description: "Anonymous, asynchronous strategy conversations. Errors are RFC 9457 problem details.",
};

const documents = new WeakMap<Router, object>();

/**
 * The OpenAPI 3.1 document of `routes`, from their declarations: request and response schemas,
 * and protectedRoute's `x-roles`, from which the authorization test is generated.
 */
export function apiDocument(routes: Router): object {
  let document = documents.get(routes);
  if (!document) {
    routes.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
    document = routes.getOpenAPI31Document({ openapi: "3.1.0", info });
    documents.set(routes, document);
  }
  return document;
}

/**
 * What GET /api/openapi.json answers. Here, the document generated from the routes on first
 * request. A Lambda bundle replaces this module with one that answers the same document
 * generated when the bundle was built (infra/bundle.ts), so the generator stays out of the
 * function's cold start.
 */
export const servedApiDocument = async (routes: Router): Promise<object> => apiDocument(routes);
