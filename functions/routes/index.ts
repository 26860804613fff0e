import type { Services } from "../services.js";
import { adminRoutes } from "./admin.js";
import { authRoutes } from "./auth.js";
import { conversationRoutes } from "./conversations.js";
import { cycleRoutes } from "./cycles.js";
import { demoRoutes } from "./demo.js";
import { directoryRoutes } from "./directory.js";
import { createRouter } from "./http.js";
import { liveRoutes } from "./live.js";
import { meRoutes } from "./me.js";
import { moderationRoutes } from "./moderation.js";
import { ratingRoutes } from "./ratings.js";
import { reportRoutes } from "./reports.js";
import { responseRoutes } from "./responses.js";
import { shapingRoutes } from "./shaping.js";
import { thoughtRoutes } from "./thoughts.js";

/**
 * Every resource's routes, as mounted under /api. The OpenAPI document is generated from these
 * declarations (routes/api-document.ts): at request time in tests and on the embedded default,
 * when the bundle is built for Lambda (infra/openapi-document.ts). Declaring them reads no service.
 */
export function apiRoutes(s: Services) {
  return createRouter()
    .route("/", authRoutes(s))
    .route("/", meRoutes(s))
    .route("/", moderationRoutes(s))
    .route("/conversations", conversationRoutes(s))
    .route("/conversations", thoughtRoutes(s))
    .route("/conversations", ratingRoutes(s))
    .route("/directory", directoryRoutes(s))
    .route("/", reportRoutes(s))
    .route("/", responseRoutes(s))
    .route("/", shapingRoutes(s))
    .route("/", liveRoutes(s))
    .route("/cycles", cycleRoutes(s))
    .route("/", adminRoutes(s))
    .route("/", demoRoutes(s));
}
