import * as z from "zod";
import type { Caller } from "../auth/verify.js";
import { idempotencyRecordKey } from "../domain/author-key.js";
import {
  type Audience,
  audienceIncludes,
  countsSchema,
  type Schedule,
  type Settings,
  scheduleSchema,
} from "../domain/conversation.js";
import {
  type Cycle,
  cloneCycleSchema,
  createCycleSchema,
  cycleSchema,
  linkOverrideSchema,
  renamedStageTitle,
  type StageKey,
  shiftCycle,
  stageKeys,
  stageTemplates,
  stageTitle,
} from "../domain/cycle.js";
import { conversationStates } from "../domain/lifecycle.js";
import { can } from "../domain/person.js";
import { type TemplateId, templateIds, templates } from "../domain/templates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { withoutLoopSection } from "../report/loop-context.js";
import { themeResponseSchema } from "../report/schema.js";
import { buildThreads, linkStages } from "../report/theme-links.js";
import { draftConversation } from "../repositories/conversations.js";
import { requestHash } from "../repositories/idempotency.js";
import type { Services } from "../services.js";
import { shownCounts } from "../workflows/release-round.js";
import { createRouter, idempotencyHeader, idParam, json, problems, protectedRoute } from "./http.js";

const stageViewSchema = z.object({
  stage: z.enum(stageKeys),
  conversationId: z.string(),
  template: z.enum(templateIds),
  title: z.string(),
  state: z.enum(conversationStates),
  schedule: scheduleSchema.nullable(),
  counts: countsSchema,
});
const cycleViewSchema = cycleSchema.extend({ stages: z.array(stageViewSchema) });

const responseSchema = themeResponseSchema.omit({ themeId: true });
const stageThemeSchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  keyPhrases: z.array(z.string()),
  size: z.int(),
  meanScore: z.number(),
  response: responseSchema.optional(),
});
const threadEntrySchema = z.object({
  stage: z.enum(stageKeys),
  themeId: z.string(),
  title: z.string(),
  meanScore: z.number(),
  response: responseSchema.optional(),
});
const cycleReportSchema = z.object({
  cycle: cycleSchema.pick({ id: true, name: true, year: true }),
  stages: z.array(
    z.object({
      stage: z.enum(stageKeys),
      conversationId: z.string(),
      title: z.string(),
      state: z.enum(conversationStates),
      /** Approved version once published, else the newest; null before the first theme run. */
      reportVersion: z.int().nullable(),
      themes: z.array(stageThemeSchema),
    }),
  ),
  links: z.array(
    z.object({
      fromStage: z.enum(stageKeys),
      fromThemeId: z.string(),
      toStage: z.enum(stageKeys),
      toThemeId: z.string(),
      similarity: z.number(),
      overridden: z.boolean(),
    }),
  ),
  /** Themes followed across stages: one entry per stage, null where the thread has no theme. */
  threads: z.array(z.object({ stages: z.array(threadEntrySchema.nullable()) })),
});
type StageFindings = z.infer<typeof cycleReportSchema>["stages"][number];

const params = z.object({ id: idParam });

const createRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/",
  summary: "Create a cycle with its three stage conversations (drafts, optionally with schedules)",
  request: {
    headers: idempotencyHeader,
    body: { content: { "application/json": { schema: createCycleSchema } }, required: true },
  },
  responses: { 201: json(cycleViewSchema, "Created"), ...problems(409) },
});

const listRoute = protectedRoute(can.lead, {
  method: "get",
  path: "/",
  summary: "Cycles, newest first",
  request: { query: z.object({ cursor: z.string().max(2000).optional() }) },
  responses: {
    200: json(z.object({ cycles: z.array(cycleSchema), nextCursor: z.string().optional() }), "The list"),
  },
});

const getRoute = protectedRoute(can.lead, {
  method: "get",
  path: "/{id}",
  summary: "A cycle with its stages, for a timeline",
  request: { params },
  responses: { 200: json(cycleViewSchema, "The cycle"), ...problems(404) },
});

const cloneRoute = protectedRoute(can.facilitate, {
  method: "post",
  path: "/{id}/clone",
  summary: "Start next year's cycle: same questions, context and settings, schedules shifted",
  request: {
    params,
    headers: idempotencyHeader,
    body: { content: { "application/json": { schema: cloneCycleSchema } }, required: true },
  },
  responses: { 201: json(cycleViewSchema, "Created"), ...problems(404, 409) },
});

const reportRoute = protectedRoute(can.lead, {
  method: "get",
  path: "/{id}/report",
  summary: "Themes of every stage with responses, linked across stages into threads",
  request: { params },
  responses: { 200: json(cycleReportSchema, "The cycle report"), ...problems(404) },
});

const linkRoute = protectedRoute(can.lead, {
  method: "put",
  path: "/{id}/links",
  summary: "Link a theme to a theme of the next stage (or unlink it); wins over computed links",
  request: {
    params,
    body: { content: { "application/json": { schema: linkOverrideSchema } }, required: true },
  },
  responses: { 200: json(cycleReportSchema, "The cycle report with the link"), ...problems(404) },
});

/** What one stage conversation is created from. */
interface StagePlan {
  readonly stage: StageKey;
  readonly template: TemplateId;
  readonly title: string;
  readonly prompt?: string;
  readonly context: string;
  readonly audience: Audience;
  readonly schedule: Schedule | null;
  /** Settings chosen for this stage; the admin's defaults fill the rest. */
  readonly settings?: Partial<Settings>;
}

interface CyclePlan {
  readonly name: string;
  readonly year: number | null;
  readonly clonedFrom: string | null;
  readonly stages: readonly StagePlan[];
}

/**
 * Creates the cycle, then its stages, then records the stage ids on the cycle. Every step is
 * idempotent under the client's key, so a retry after a failure part-way finishes the same cycle
 * (same id, same stage conversations) instead of starting another.
 */
async function createCycle(
  s: Services,
  caller: Caller,
  idempotency: { clientKey: string; requestHash: string },
  plan: CyclePlan,
): Promise<{ cycle: Cycle; completedNow: boolean }> {
  const recordKey = (scope: string) =>
    idempotencyRecordKey(s.authorKeySecret, caller.userId, idempotency.clientKey, scope);
  const [directory, { defaults }] = await Promise.all([s.directory.all(), s.settings.get()]);
  const people = directory.filter((p) => p.active);
  const invitedBy = (audience: Audience) =>
    people.filter((p) => audienceIncludes(audience, p.attributes)).length;
  const stages = plan.stages.map((stage) => ({
    stage,
    input: {
      template: stage.template,
      title: stage.title,
      prompt: stage.prompt,
      context: stage.context,
      audience: stage.audience,
      schedule: stage.schedule ?? undefined,
      // The admin's defaults, under what the stage was given (a clone copies its source's).
      settings: { ...defaults, ...stage.settings },
    },
  }));
  // Every stage must be storable before anything is written: a bad one fails the whole request.
  for (const { input } of stages) draftConversation({ ...input, cycleId: "pending" }, 0);
  const cycle = await s.cycles.createOnce(
    { name: plan.name, year: plan.year, clonedFrom: plan.clonedFrom },
    { recordKey: recordKey("cycle"), requestHash: idempotency.requestHash },
  );
  if (cycle.stageIds.length === stageKeys.length) return { cycle, completedNow: false };
  const created = await Promise.all(
    stages.map(({ stage, input }) =>
      s.conversations.createOnce(
        { ...input, cycleId: cycle.id },
        invitedBy(stage.audience),
        // The cycle id pins the stage to this request; a retry replays it whatever changed since.
        {
          recordKey: recordKey(`cycle-stage:${stage.stage}`),
          requestHash: requestHash([cycle.id, stage.stage]),
        },
      ),
    ),
  );
  return {
    cycle: await s.cycles.setStages(
      cycle.id,
      created.map((c) => c.id),
    ),
    completedNow: true,
  };
}

async function cycleView(s: Services, cycle: Cycle): Promise<z.infer<typeof cycleViewSchema>> {
  const stages = await Promise.all(
    cycle.stageIds.map(async (conversationId, i) => {
      const conversation = await s.conversations.get(conversationId);
      return {
        stage: stageKeys[i]!,
        conversationId,
        template: conversation.template,
        title: conversation.title,
        state: conversation.state,
        schedule: conversation.schedule,
        counts: await shownCounts(s, conversation),
      };
    }),
  );
  return { ...cycle, stages };
}

/** A stage's themes as leaders last shaped them: the approved version once published, else the newest. */
async function stageFindings(s: Services, stage: StageKey, conversationId: string): Promise<StageFindings> {
  const conversation = await s.conversations.get(conversationId);
  const published = conversation.state === "published" || conversation.state === "archived";
  const version = published ? conversation.approvedReportVersion : conversation.reportVersion;
  const base = { stage, conversationId, title: conversation.title, state: conversation.state };
  if (!version) return { ...base, reportVersion: null, themes: [] };
  // The head comes with the first page of thoughts; a cycle report is a rare, leader-only read.
  const [{ head }, edits, responses] = await Promise.all([
    s.reports.read(conversationId, version),
    s.reports.edits(conversationId),
    s.themeResponses.all(conversationId),
  ]);
  const responseOf = new Map(responses.map((r) => [r.themeId, r]));
  const themes = head.themes.map((theme) => {
    const response = responseOf.get(theme.id);
    return {
      id: theme.id,
      title: edits[theme.id]?.title ?? theme.title,
      summary: edits[theme.id]?.summary ?? theme.summary,
      keyPhrases: theme.keyPhrases,
      size: theme.size,
      meanScore: theme.stats.meanScore,
      ...(response && {
        response: {
          heard: response.heard,
          willDo: response.willDo,
          owner: response.owner,
          ...(response.dueDate && { dueDate: response.dueDate }),
          ...(response.status && { status: response.status }),
        },
      }),
    };
  });
  themes.sort((a, b) => b.meanScore - a.meanScore || a.id.localeCompare(b.id));
  return { ...base, reportVersion: version, themes };
}

async function cycleReport(
  s: Services,
  cycle: Cycle,
  loaded?: StageFindings[],
): Promise<z.infer<typeof cycleReportSchema>> {
  const [stages, overrides] = await Promise.all([
    loaded ?? Promise.all(cycle.stageIds.map((id, i) => stageFindings(s, stageKeys[i]!, id))),
    s.cycles.linkOverrides(cycle.id),
  ]);
  const stageLinks = stages.slice(1).map((next, i) => {
    const from = stages[i]!;
    const mine = overrides.filter((o) => o.fromStage === from.stage);
    return linkStages(from.themes, next.themes, new Map(mine.map((o) => [o.fromThemeId, o.toThemeId])));
  });
  const threads = buildThreads(
    stages.map((st) => st.themes.map((theme) => ({ ...theme, stage: st.stage }))),
    stageLinks,
  ).map((thread) => ({
    stages: thread.map((t) =>
      t
        ? {
            stage: t.stage,
            themeId: t.id,
            title: t.title,
            meanScore: t.meanScore,
            ...(t.response && { response: t.response }),
          }
        : null,
    ),
  }));
  const links = stageLinks.flatMap((pairLinks, i) =>
    pairLinks.map((l) => ({
      fromStage: stages[i]!.stage,
      fromThemeId: l.fromId,
      toStage: stages[i + 1]!.stage,
      toThemeId: l.toId,
      similarity: Math.round(l.similarity * 1000) / 1000,
      overridden: l.overridden,
    })),
  );
  return { cycle: { id: cycle.id, name: cycle.name, year: cycle.year }, stages, links, threads };
}

export function cycleRoutes(s: Services) {
  const audit = (caller: Caller, action: string, target: string, details?: Record<string, string | null>) =>
    s.audit.record({ actorId: caller.userId, actorEmail: caller.email, action, target, details });

  return createRouter()
    .openapi(createRoute, async (c) => {
      const caller = c.get("caller");
      const body = c.req.valid("json");
      const plan: CyclePlan = {
        name: body.name,
        year: body.year ?? null,
        clonedFrom: null,
        stages: stageKeys.map((stage) => {
          const template = stageTemplates[stage];
          return {
            stage,
            template,
            title: stageTitle(body.name, templates[template].title),
            context: "",
            audience: { kind: "everyone" },
            schedule: body.stages?.[stage] ?? null,
          };
        }),
      };
      const clientKey = c.req.valid("header")["idempotency-key"];
      const { cycle, completedNow } = await createCycle(
        s,
        caller,
        { clientKey, requestHash: requestHash(body) },
        plan,
      );
      if (completedNow) await audit(caller, "cycle.create", `cycle:${cycle.id}`, { name: cycle.name });
      return c.json(await cycleView(s, cycle), 201);
    })
    .openapi(listRoute, async (c) => {
      const scope = { route: "cycles.list", caller: c.get("caller").userId };
      const { items, lastKey } = await s.cycles.list(s.cursors.decode(scope, c.req.valid("query").cursor));
      const nextCursor = s.cursors.encode(scope, lastKey);
      return c.json({ cycles: items, ...(nextCursor && { nextCursor }) }, 200);
    })
    .openapi(getRoute, async (c) =>
      c.json(await cycleView(s, await s.cycles.get(c.req.valid("param").id)), 200),
    )
    .openapi(cloneRoute, async (c) => {
      const caller = c.get("caller");
      const source = await s.cycles.get(c.req.valid("param").id);
      const { name, shiftMonths } = c.req.valid("json");
      if (source.stageIds.length !== stageKeys.length) {
        throw new ConflictError("This cycle was not fully created; create it again before cloning it.");
      }
      const stages = await Promise.all(source.stageIds.map((id) => s.conversations.get(id)));
      const shifted = shiftCycle(
        stages.map((st) => st.schedule),
        source.year,
        shiftMonths,
      );
      if (!shifted.ok) {
        throw new ValidationError("The clone's dates would fall outside what Groundswell can schedule.", [
          { path: "shiftMonths", message: shifted.message },
        ]);
      }
      const { schedules, year } = shifted;
      const plan: CyclePlan = {
        name,
        year,
        clonedFrom: source.id,
        stages: stages.map((st, i) => ({
          stage: stageKeys[i]!,
          template: st.template,
          title: renamedStageTitle(st.title, source.name, name),
          prompt: st.prompt,
          // Last year's "what you told us" belongs to last year.
          context: withoutLoopSection(st.context),
          audience: st.audience,
          schedule: schedules[i] ?? null,
          settings: st.settings,
        })),
      };
      const clientKey = c.req.valid("header")["idempotency-key"];
      const { cycle, completedNow } = await createCycle(
        s,
        caller,
        { clientKey, requestHash: requestHash({ clone: source.id, name, shiftMonths }) },
        plan,
      );
      if (completedNow) await audit(caller, "cycle.clone", `cycle:${cycle.id}`, { from: source.id, name });
      return c.json(await cycleView(s, cycle), 201);
    })
    .openapi(reportRoute, async (c) =>
      c.json(await cycleReport(s, await s.cycles.get(c.req.valid("param").id)), 200),
    )
    .openapi(linkRoute, async (c) => {
      const caller = c.get("caller");
      const cycle = await s.cycles.get(c.req.valid("param").id);
      const link = c.req.valid("json");
      const stages = await Promise.all(cycle.stageIds.map((id, i) => stageFindings(s, stageKeys[i]!, id)));
      const has = (stage: StageKey, themeId: string) =>
        stages.find((st) => st.stage === stage)?.themes.some((t) => t.id === themeId) ?? false;
      if (!has(link.fromStage, link.fromThemeId))
        throw new NotFoundError(`No theme ${link.fromThemeId} in ${link.fromStage}.`);
      if (link.toThemeId !== null && !has(link.toStage, link.toThemeId)) {
        throw new NotFoundError(`No theme ${link.toThemeId} in ${link.toStage}.`);
      }
      await s.cycles.saveLinkOverride(cycle.id, link);
      await audit(caller, "cycle.link", `cycle:${cycle.id}`, {
        fromStage: link.fromStage,
        fromThemeId: link.fromThemeId,
        toStage: link.toStage,
        toThemeId: link.toThemeId,
      });
      return c.json(await cycleReport(s, cycle, stages), 200);
    });
}
