import { loadPersonFinder } from "../domain/person-finder.js";
import { type ReviewReason, type ScreenResult, withReview } from "../domain/screen.js";
import { namesSomeone } from "../domain/screen-names.js";
import type { Services } from "../services.js";

/**
 * DESIGN §3.5, the server's half of screening a thought: on top of the shared pattern screening
 * (screen.ts, run first so the length check bounds what follows), the NLP library's person
 * names, the directory's names (names-index.ts, server-side only) and the OpenAI moderation
 * endpoint when configured. Each can only send a thought to a moderator. The share route and
 * the demo seed both go through here, so sample data is screened exactly like real data.
 */
export async function screenForSharing(
  s: Pick<Services, "names" | "contentScreen">,
  screened: ScreenResult,
): Promise<ScreenResult> {
  const [findPeople, namesDirectoryPerson, flaggedByModel] = await Promise.all([
    loadPersonFinder(),
    s.names.mentions(screened.text),
    s.contentScreen?.flags(screened.text) ?? false,
  ]);
  const reasons: ReviewReason[] = [];
  if (namesSomeone(screened.text, findPeople)) reasons.push("name");
  if (namesDirectoryPerson) reasons.push("directory");
  if (flaggedByModel) reasons.push("model");
  return withReview(screened, reasons);
}
