import { anonymityCard } from "../anonymity/card.js";
import { audienceIncludes } from "../domain/conversation.js";
import { snapshotOf } from "../domain/snapshot-cells.js";
import type { Histogram } from "../domain/statistics.js";
import { today } from "../lib/day.js";
import { getOrCreate } from "../lib/maps.js";
import { computeReport, type ThemeInput } from "../report/compute.js";
import { participationBySegment } from "../report/participation-segments.js";
import { shapeThemes, shapingNote, shapingNotePrefix } from "../report/shaping.js";
import { allRatings, type RatingRecord } from "../repositories/ratings.js";
import type { Services } from "../services.js";
import { catchUpWithModeration } from "../workflows/moderated-reports.js";
import { InProcessQueue, type JobMessage } from "./queue.js";

/** What a theme engine returns (both engines share this output, DESIGN §5). */
export interface ThemeSet {
  readonly engine: string;
  readonly themes: readonly (ThemeInput & { size?: number })[];
  readonly notes?: readonly string[];
}

export interface ThemeEngine {
  computeThemes(
    items: readonly { id: string; text: string; score?: number }[],
    options: { onProgress?: (fraction: number) => void },
  ): Promise<ThemeSet> | ThemeSet;
}

/** Theme ids stay stable across runs: a new theme inherits the id of the old one it mostly overlaps. */
export function carryThemeIds(
  themes: readonly ThemeInput[],
  previous: ReadonlyMap<string, string>,
  minJaccard = 0.3,
): ThemeInput[] {
  const previousMembers = new Map<string, Set<string>>();
  for (const [thoughtId, themeId] of previous) {
    getOrCreate(previousMembers, themeId, () => new Set<string>()).add(thoughtId);
  }
  const pairs: { next: number; old: string; jaccard: number }[] = [];
  themes.forEach((theme, index) => {
    for (const [oldId, members] of previousMembers) {
      const shared = theme.thoughtIds.filter((id) => members.has(id)).length;
      const jaccard = shared / (theme.thoughtIds.length + members.size - shared);
      if (jaccard >= minJaccard) pairs.push({ next: index, old: oldId, jaccard });
    }
  });
  pairs.sort((a, b) => b.jaccard - a.jaccard || a.old.localeCompare(b.old));
  const assigned = new Map<number, string>();
  const taken = new Set<string>();
  for (const pair of pairs) {
    if (assigned.has(pair.next) || taken.has(pair.old)) continue;
    assigned.set(pair.next, pair.old);
    taken.add(pair.old);
  }
  const used = new Set(taken);
  return themes.map((theme, index) => {
    const inherited = assigned.get(index);
    if (inherited) return { ...theme, id: inherited };
    // A fresh id must not collide with one inherited by another theme.
    let id = theme.id;
    for (let n = 2; used.has(id); n++) id = `${theme.id}-${n}`;
    used.add(id);
    return { ...theme, id };
  });
}

/**
 * The embedded default's and the tests' queue (AppDeps.queue): theme runs execute in this
 * process, one at a time, with the services that enqueued them.
 */
export const inProcessThemeRuns = (s: Services): InProcessQueue =>
  new InProcessQueue((message) => runThemeJob(s, message), s.logger);

/**
 * The theme-run job (DESIGN §5): read every visible thought and rating with paginated Queries,
 * theme them, compute the report with its segments, store it as a new version. Progress is
 * written to the job so the UI can show a bar.
 */
export async function runThemeJob(s: Services, message: JobMessage): Promise<void> {
  const job = await s.jobs.get(message.jobId);
  if (job.state === "succeeded" || job.state === "failed") return; // a redelivered message
  try {
    await s.jobs.progress(job.id, 0.02, "Reading thoughts");
    const conversation = await s.conversations.get(message.conversationId);
    const thoughts: { id: string; text: string; createdDay: string; histogram: Histogram }[] = [];
    for await (const page of s.thoughts.all(conversation.id)) {
      for (const t of page) {
        if (t.status !== "visible") continue;
        const h = t.histogram;
        thoughts.push({
          id: t.id,
          text: t.text,
          createdDay: t.createdDay,
          histogram: [h["1"], h["2"], h["3"], h["4"], h["5"]],
        });
      }
    }
    await s.jobs.progress(job.id, 0.1, "Reading ratings");
    const ratings: RatingRecord[] = [];
    const visible = new Set(thoughts.map((t) => t.id));
    for await (const page of allRatings(s.db, conversation.id)) {
      for (const r of page) if (visible.has(r.thoughtId)) ratings.push(r);
    }

    const previous = new Map<string, string>();
    if (conversation.reportVersion) {
      for await (const page of s.reports.allThoughts(conversation.id, conversation.reportVersion)) {
        for (const t of page) if (t.themeId) previous.set(t.id, t.themeId);
      }
    }
    // Shaping themes by hand re-computes the report on the themes it has, without the engine.
    const reshape = message.reshape === true && conversation.reportVersion !== undefined;
    await s.jobs.progress(job.id, 0.2, reshape ? "Applying your changes" : "Finding themes");
    const meanOf = (h: Histogram) => {
      const n = h.reduce((a, b) => a + b, 0);
      return n === 0 ? undefined : h.reduce((sum, c, i) => sum + c * (i + 1), 0) / n;
    };
    let lastWrite = 0;
    const themeSet = reshape
      ? await currentThemes(s, conversation.id, conversation.reportVersion!, previous)
      : await s.themeEngine.computeThemes(
          thoughts.map((t) => ({ id: t.id, text: t.text, score: meanOf(t.histogram) })),
          {
            onProgress: (fraction) => {
              // Progress writes are throttled: a fast engine would otherwise write hundreds of times.
              if (Date.now() - lastWrite < 1000) return;
              lastWrite = Date.now();
              void s.jobs.progress(job.id, 0.2 + 0.6 * fraction, "Finding themes").catch(() => undefined);
            },
          },
        );

    await s.jobs.progress(job.id, 0.85, "Computing rankings and segments");
    // Read last, so a change a facilitator makes while the engine runs is in this version.
    const shaping = await s.themeShaping.get(conversation.id);
    const note = shapingNote(shaping);
    const version = (conversation.reportVersion ?? 0) + 1;
    const computed = computeReport({
      conversation: { ...conversation, anonymityThreshold: conversation.settings.anonymityThreshold },
      counts: await s.conversations.counts(conversation.id, conversation.invited),
      thoughts,
      ratings,
      themes: {
        ...themeSet,
        themes: shapeThemes(themeSet.themes, previous, shaping, carryThemeIds),
        notes: [
          ...(themeSet.notes ?? []).filter((n) => !n.startsWith(shapingNotePrefix)),
          ...(note ? [note] : []),
        ],
      },
      version,
      generatedAt: new Date().toISOString(),
    });
    const [joined, people, cells] = await Promise.all([
      s.participation.all(conversation.id),
      s.directory.all(),
      s.participation.snapshotCells(conversation.id),
    ]);
    // Participants carry generalised snapshots (domain/snapshot-cells.ts): the invited are counted
    // through the same cells, so a group's rate compares like with like.
    const invited = people
      .filter((p) => p.active && audienceIncludes(conversation.audience, p.attributes))
      .map((p) => ({ attributes: cells ? snapshotOf(cells, p.attributes) : p.attributes }));
    const bySegment = participationBySegment({
      participants: joined.map((p) => ({ key: p.participantKey, attributes: p.attributes })),
      invited,
      k: computed.head.anonymityThreshold,
    });
    const participants = joined.map((p) => ({ key: p.participantKey, attributes: p.attributes }));
    const anonymityAudit = await anonymityCard({
      db: s.db,
      conversationId: conversation.id,
      settings: conversation.settings,
      people: people.map((p) => ({ id: p.id, attributes: p.attributes })),
      ...(cells && { cells }),
      report: { segments: computed.head.segments, participationBySegment: bySegment },
      ratings,
      raters: computed.raters,
      participants,
      day: today(),
    }).catch((error: Error) => {
      // The card is a check beside the report: a failure to compute it never loses the report.
      s.logger.error("anonymity card failed", { conversationId: conversation.id, error: error.name });
      return undefined;
    });
    await s.jobs.progress(job.id, 0.95, "Saving the report");
    await s.reports.save(conversation.id, {
      ...computed,
      head: {
        ...computed.head,
        participationBySegment: bySegment,
        ...(anonymityAudit && { anonymityAudit }),
      },
    });
    await catchUpWithModeration(s, conversation.id, thoughts);
    await s.reports.pruneSuperseded(conversation.id);
    await s.jobs.finish(job, { state: "succeeded", reportVersion: version });
    s.logger.info("theme run finished", {
      jobId: job.id,
      version,
      thoughts: thoughts.length,
      ratings: ratings.length,
    });
  } catch (error) {
    await s.jobs.finish(job, {
      state: "failed",
      error: "The theme run failed. Try again; if it keeps failing, check the logs.",
    });
    throw error;
  }
}

/** The themes of the newest report as a theme set: what a reshape starts from. */
async function currentThemes(
  s: Services,
  conversationId: string,
  version: number,
  themeOf: ReadonlyMap<string, string>,
): Promise<ThemeSet> {
  const { head } = await s.reports.read(conversationId, version);
  const members = new Map<string, string[]>();
  for (const [thoughtId, themeId] of themeOf) getOrCreate(members, themeId, () => []).push(thoughtId);
  return {
    engine: head.engine,
    notes: head.notes,
    themes: head.themes.map((t) => ({
      id: t.id,
      title: t.title,
      summary: t.summary,
      keyPhrases: t.keyPhrases,
      thoughtIds: members.get(t.id) ?? [],
    })),
  };
}
