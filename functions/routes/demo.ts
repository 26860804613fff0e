import * as z from "zod";
import { can } from "../domain/person.js";
import { NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { createRouter, json, problems, protectedRoute } from "./http.js";

const statusSchema = z.object({
  state: z.enum(["idle", "running", "done", "failed"]),
  progress: z.number(),
  message: z.string(),
  conversationId: z.string().optional(),
});
type DemoStatus = z.infer<typeof statusSchema>;

const startRoute = protectedRoute(can.lead, {
  method: "post",
  path: "/demo",
  summary: "Load the sample company and its finished conversation (embedded default only)",
  responses: { 202: json(statusSchema, "Started (or already running or done)"), ...problems(404) },
});

const statusRoute = protectedRoute(can.lead, {
  method: "get",
  path: "/demo",
  summary: "Progress of loading the sample data (embedded default only)",
  responses: { 200: json(statusSchema, "Status"), ...problems(404) },
});

/**
 * The empty install's "Load sample data" button. Local only: it writes a fictional company into
 * the directory, which a real deployment must never do. The seeding code is injected by the
 * embedded default, so the sample content never ships in the Lambda bundle.
 */
export function demoRoutes(s: Services) {
  let status: DemoStatus = { state: "idle", progress: 0, message: "Not started" };
  const localOnly = () => {
    if (!s.localIssuer || !s.seedDemo) throw new NotFoundError("Sample data exists only on a local install.");
    return s.seedDemo;
  };
  return createRouter()
    .openapi(startRoute, async (c) => {
      const seedDemo = localOnly();
      if (status.state === "idle" || status.state === "failed") {
        status = { state: "running", progress: 0, message: "Starting" };
        seedDemo(s, { onProgress: (progress, message) => (status = { ...status, progress, message }) })
          .then((result) => {
            status = { state: "done", progress: 1, message: "Done", conversationId: result.conversationId };
          })
          .catch((error: Error) => {
            s.logger.error("sample data failed", { error: error.name });
            status = {
              state: "failed",
              progress: status.progress,
              message: "Loading the sample data failed. Try again.",
            };
          });
      }
      return c.json(status, 202);
    })
    .openapi(statusRoute, async (c) => {
      localOnly();
      return c.json(status, 200);
    });
}
