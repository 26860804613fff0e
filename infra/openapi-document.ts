import { apiDocument } from "../functions/routes/api-document.js";
import { apiRoutes } from "../functions/routes/index.js";
import type { Services } from "../functions/services.js";

/**
 * Services for declaring the routes without running them: declaring a route reads no service,
 * and one that starts to would fail the bundle's build here, loudly, rather than bake a wrong
 * document into it.
 */
const declarationsOnly = new Proxy(
  {},
  {
    get(_, key) {
      throw new Error(
        `A route read services.${String(key)} while being declared; the OpenAPI document is built from the declarations alone (infra/openapi-document.ts).`,
      );
    },
  },
) as Services;

/**
 * The API's OpenAPI document, generated when the Lambda bundle is built (infra/bundle.ts) from
 * the same route declarations the app serves at request time elsewhere (routes/api-document.ts).
 */
export function buildApiDocument(): object {
  return apiDocument(apiRoutes(declarationsOnly));
}
