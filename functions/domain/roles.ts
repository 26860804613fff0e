/**
 * Roles and what each may do: the one spelling the API's route guards (routes/http.ts
 * `protectedRoute`) and the web app's navigation both read. No zod here, so the web bundle can
 * import it whole.
 */
export const roles = ["employee", "facilitator", "leader", "admin"] as const;
export type Role = (typeof roles)[number];

/** Who may do what. Facilitators run conversations; admins may do everything a facilitator can. */
export const can = {
  facilitate: ["facilitator", "admin"],
  lead: ["leader", "facilitator", "admin"],
  administer: ["admin"],
  participate: ["employee", "facilitator", "leader", "admin"],
} as const satisfies Record<string, readonly Role[]>;
export type Ability = keyof typeof can;
