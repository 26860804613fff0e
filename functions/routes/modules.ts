import type { Services } from "../services.js";
import type { Router } from "./http.js";

/** A resource's routes and where they are mounted under /api. */
export interface RouteModule {
  readonly mount: string;
  /** Imports the module: a chunk of its own in a Lambda bundle, loaded by its first request. */
  readonly load: () => Promise<(s: Services) => Router>;
}

/**
 * The route modules routes/index.ts mounts, in its order, each behind a dynamic import, so that a
 * Lambda loads a resource's declarations, handlers and domain code on the first request to one of
 * its routes rather than at every cold start (api/lazy-app.ts). test/unit/route-modules.test.ts
 * checks that these mount exactly the routes of apiRoutes.
 */
export const routeModules = {
  auth: { mount: "/", load: async () => (await import("./auth.js")).authRoutes },
  me: { mount: "/", load: async () => (await import("./me.js")).meRoutes },
  moderation: { mount: "/", load: async () => (await import("./moderation.js")).moderationRoutes },
  conversations: {
    mount: "/conversations",
    load: async () => (await import("./conversations.js")).conversationRoutes,
  },
  thoughts: { mount: "/conversations", load: async () => (await import("./thoughts.js")).thoughtRoutes },
  ratings: { mount: "/conversations", load: async () => (await import("./ratings.js")).ratingRoutes },
  directory: { mount: "/directory", load: async () => (await import("./directory.js")).directoryRoutes },
  reports: { mount: "/", load: async () => (await import("./reports.js")).reportRoutes },
  responses: { mount: "/", load: async () => (await import("./responses.js")).responseRoutes },
  shaping: { mount: "/", load: async () => (await import("./shaping.js")).shapingRoutes },
  live: { mount: "/", load: async () => (await import("./live.js")).liveRoutes },
  cycles: { mount: "/cycles", load: async () => (await import("./cycles.js")).cycleRoutes },
  admin: { mount: "/", load: async () => (await import("./admin.js")).adminRoutes },
  demo: { mount: "/", load: async () => (await import("./demo.js")).demoRoutes },
} satisfies Record<string, RouteModule>;

export type RouteModuleName = keyof typeof routeModules;
