import { createHash } from "node:crypto";
import type { Logger } from "../lib/logger.js";
import type { DirectoryRepository } from "../repositories/directory.js";

/** "jane.doe@acme.com" -> "Jane Doe": a placeholder until the first import names them properly. */
export function nameFromEmail(email: string): string {
  const local = email.split("@")[0] ?? email;
  const words = local.split(/[._+-]+/).filter(Boolean);
  return words.length > 0 ? words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" ") : email;
}

/** A UUID-shaped id derived from the email, so concurrent cold starts add the same person once. */
function firstAdminId(email: string): string {
  const h = createHash("sha256").update(`groundswell:first-admin:${email}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The first admin (ADMIN_EMAIL): when nobody in the directory has this email, they are added as an
 * active admin, so a fresh deployment has someone who can import the directory. Someone already in
 * the directory is left exactly as the directory says (an admin may have changed their role on
 * purpose). Runs at every start; costs one Query once the person exists.
 */
export async function ensureFirstAdmin(
  directory: DirectoryRepository,
  email: string,
  logger: Logger,
): Promise<"added" | "present"> {
  const address = email.toLowerCase();
  if (await directory.findByEmail(address)) return "present";
  const added = await directory.addIfAbsent({
    id: firstAdminId(address),
    email: address,
    name: nameFromEmail(address),
    role: "admin",
    attributes: {},
    active: true,
  });
  if (added) logger.info("first admin added to the directory");
  return added ? "added" : "present";
}
