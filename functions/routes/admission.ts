import type { MiddlewareHandler } from "hono";
import { ServerBusyError } from "../errors.js";
import type { AdmissionGate } from "../lib/admission.js";

/**
 * Paths that skip admission: the health check must say "alive" even when the server is full (a
 * busy server is not a dead one). Static web assets and the local issuer's key set are served
 * outside `/api` and never pass here.
 */
const unlimited = new Set(["/api/health"]);

/**
 * Runs each API request through the gate: admitted at once, after a short wait, or refused with
 * an immediate 503 problem and `Retry-After` before authentication, body parsing or any DynamoDB
 * call. A refused request changed nothing, so clients may retry it whatever its method.
 */
export function admissionControl(gate: AdmissionGate): MiddlewareHandler {
  return async (c, next) => {
    if (unlimited.has(c.req.path)) return next();
    const entered = gate.enter();
    const release = entered instanceof Promise ? await entered : entered;
    if (!release) {
      throw new ServerBusyError(
        "Groundswell is busy right now. Nothing was done; please try again in a moment.",
      );
    }
    try {
      await next();
    } finally {
      release();
    }
  };
}
