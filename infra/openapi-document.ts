import { apiDocument } from "../functions/routes/api-document.js";
import { apiRoutes } from "../functions/routes/index.js";
import { declarationsOnly } from "../functions/routes/route-table.js";

/**
 * The API's OpenAPI document, generated when the Lambda bundle is built (infra/bundle.ts) from
 * the same route declarations the app serves at request time elsewhere (routes/api-document.ts).
 */
export function buildApiDocument(): object {
  return apiDocument(apiRoutes(declarationsOnly));
}
