import * as z from "zod";
import type { Caller } from "../auth/verify.js";
import type { StoredConversation } from "../db/items/conversations.js";
import type { ThemeEdit } from "../db/items/reports.js";
import { textThreshold } from "../domain/conversation.js";
import { resultsPublished, themesComputable } from "../domain/lifecycle.js";
import { themeText } from "../domain/limits.js";
import { can } from "../domain/person.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import type { ReportHead } from "../report/compute.js";
import { type Report, type ReportThought, reportSchema } from "../report/schema.js";
import type { Services } from "../services.js";
import { isStaff, loadForViewer } from "./access.js";
import { createRouter, idParam, json, problems, protectedRoute } from "./http.js";
import { responsesFor } from "./responses.js";

const jobSchema = z.object({
  id: z.string(),
  kind: z.literal("theme-run"),
  conversationId: z.string(),
  state: z.enum(["queued", "running", "succeeded", "failed"]),
  progress: z.number(),
  message: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  reportVersion: z.int().optional(),
  error: z.string().optional(),
});

const segmentParam = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,31}:.{1,100}$/, "use attribute:value, like department:Sales")
  .optional();

const startRoute = protectedRoute(can.lead, {
  method: "post",
  path: "/conversations/{id}/theme-runs",
  summary: "Compute themes and the report (a job); answers at once with the job to poll",
  request: { params: z.object({ id: idParam }) },
  responses: {
    202: json(z.object({ jobId: z.string(), job: jobSchema }), "Accepted"),
    ...problems(404, 409),
  },
});

const jobRoute = protectedRoute(can.lead, {
  method: "get",
  path: "/jobs/{id}",
  summary: "A job's state and progress",
  request: { params: z.object({ id: idParam }) },
  responses: { 200: json(jobSchema, "The job"), ...problems(404) },
});

const reportRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/conversations/{id}/report",
  summary: "The report: leaders and facilitators always, everyone once results are published",
  request: {
    params: z.object({ id: idParam }),
    query: z.object({ segment: segmentParam, page: z.coerce.number().int().min(0).max(10_000).optional() }),
  },
  responses: { 200: json(reportSchema, "The report"), ...problems(404) },
});

const editRoute = protectedRoute(can.lead, {
  method: "patch",
  path: "/conversations/{id}/themes/{themeId}",
  summary: "Rewrite a theme's title or summary before publishing",
  request: {
    params: z.object({ id: idParam, themeId: z.string().min(1).max(80) }),
    body: {
      content: {
        "application/json": {
          schema: z
            .object({
              title: z.string().trim().min(themeText.title.min).max(themeText.title.max).optional(),
              summary: z.string().trim().min(themeText.summary.min).max(themeText.summary.max).optional(),
            })
            .refine((v) => v.title !== undefined || v.summary !== undefined, {
              message: "nothing to change",
            }),
        },
      },
      required: true,
    },
  },
  responses: { 200: json(reportSchema, "The report with the edit"), ...problems(404, 409) },
});

const approveRoute = protectedRoute(can.lead, {
  method: "post",
  path: "/conversations/{id}/report/approve",
  summary: "Approve a report version for publishing",
  request: {
    params: z.object({ id: idParam }),
    body: {
      content: { "application/json": { schema: z.object({ version: z.int().min(1).max(1_000_000) }) } },
      required: true,
    },
  },
  responses: { 200: json(reportSchema, "Approved"), ...problems(404, 409) },
});

const exportRoute = protectedRoute(can.participate, {
  method: "get",
  path: "/conversations/{id}/export",
  summary:
    "Download the whole report as CSV (ranked thoughts), JSON, Markdown, or a slide deck (HTML, one theme per slide)",
  request: {
    params: z.object({ id: idParam }),
    query: z.object({ format: z.enum(["csv", "json", "md", "slides"]).default("json") }),
  },
  responses: {
    200: {
      description: "The file",
      content: {
        "text/csv": { schema: z.string() },
        "application/json": { schema: reportSchema },
        "text/markdown": { schema: z.string() },
        "text/html": { schema: z.string() },
      },
    },
    ...problems(404),
  },
});

/** The plain reason a slice is hidden (web/src/lib/report.ts words it the same way). */
function hiddenMessage(reason: string | undefined, k: number): string {
  return reason === "too-few"
    ? `This group is hidden to protect anonymity: fewer than ${k} people in it rated.`
    : `This group is hidden to protect anonymity: it could be worked out from other groups to describe fewer than ${k} people.`;
}

/** Leaders see the newest version; everyone else only the approved one, once published. */
export function visibleVersion(conversation: StoredConversation, caller: Caller): number {
  if (isStaff(caller)) {
    if (!conversation.reportVersion)
      throw new NotFoundError("No report has been computed for this conversation yet.");
    return conversation.reportVersion;
  }
  if (!resultsPublished(conversation.state)) {
    throw new ForbiddenError("Results are shared once leadership publishes them.");
  }
  if (!conversation.approvedReportVersion) throw new NotFoundError("No report has been published yet.");
  return conversation.approvedReportVersion;
}

function applyEdits<T extends { themes: ReportHead["themes"] }>(
  head: T,
  edits: Record<string, ThemeEdit>,
): T {
  return {
    ...head,
    themes: head.themes.map((theme) => {
      const edit = edits[theme.id];
      return edit
        ? { ...theme, title: edit.title ?? theme.title, summary: edit.summary ?? theme.summary, edited: true }
        : theme;
    }),
  };
}

export function reportRoutes(s: Services) {
  /** A thought's standing across opinion groups is a group number: leadership only, like segments. */
  const forCaller = (thoughts: readonly ReportThought[], caller: Caller): ReportThought[] =>
    isStaff(caller) ? [...thoughts] : thoughts.map(({ opinion: _opinion, ...t }) => t);

  const load = async (
    conversation: StoredConversation,
    caller: Caller,
    segment?: string,
    page = 0,
  ): Promise<Report> => {
    const version = visibleVersion(conversation, caller);
    const [{ head, thoughts, nextPage }, edits, responses] = await Promise.all([
      s.reports.read(conversation.id, version, page),
      s.reports.edits(conversation.id),
      s.themeResponses.all(conversation.id),
    ]);
    const base = {
      ...applyEdits(head, edits),
      conversation: { ...head.conversation, state: conversation.state },
      approved: conversation.approvedReportVersion === version,
      responses: responsesFor(head.themes, responses),
    };
    // Segments and opinion groups are for leadership; participants see the whole-conversation results.
    const { segments, heatmap, opinionGroups: _groups, ...overall } = base;
    const shared = isStaff(caller) ? base : overall;
    if (!segment) {
      return {
        ...shared,
        thoughts: forCaller(thoughts, caller),
        ...(nextPage !== undefined && { nextCursor: String(nextPage) }),
      };
    }
    if (!isStaff(caller)) throw new ForbiddenError("Segment views are for leadership.");
    const decision = segments?.find((d) => d.key === segment);
    if (!decision)
      throw new ValidationError("No such segment.", [{ path: "segment", message: "unknown segment" }]);
    if (!decision.released) {
      throw new ForbiddenError(hiddenMessage(decision.reason, head.anonymityThreshold));
    }
    const textK = head.textAnonymityThreshold ?? textThreshold(head);
    if (decision.text === false) {
      throw new ForbiddenError(
        `This group's numbers are in the comparison by group; its themes, quotes and ranking are hidden to protect anonymity: they need at least ${textK} people, and no comparison with other groups may narrow that.`,
      );
    }
    const view = await s.reports.segmentView(conversation.id, version, segment);
    if (!view) throw new NotFoundError("This segment view was not computed.");
    const titled = applyEdits(head, edits).themes;
    return {
      ...applyEdits({ ...shared, themes: view.themes }, edits),
      thoughts: view.thoughts,
      segment,
      hiddenThemes: (view.hiddenThemeIds ?? []).map((themeId) => ({
        id: themeId,
        title: titled.find((t) => t.id === themeId)?.title ?? themeId,
      })),
      hiddenThoughts: view.hiddenThoughts ?? 0,
    };
  };

  return createRouter()
    .openapi(startRoute, async (c) => {
      const { id } = c.req.valid("param");
      const conversation = await s.conversations.get(id);
      if (!themesComputable(conversation.state)) {
        throw new ConflictError(
          `Themes are computed once rating has started; this conversation is ${conversation.state}.`,
        );
      }
      const { job, created } = await s.jobs.startThemeRun(id);
      if (created) await s.queue.enqueue({ jobId: job.id, conversationId: id });
      return c.json({ jobId: job.id, job }, 202);
    })
    .openapi(jobRoute, async (c) => c.json(await s.jobs.get(c.req.valid("param").id), 200))
    .openapi(reportRoute, async (c) => {
      const { id } = c.req.valid("param");
      const { segment, page } = c.req.valid("query");
      const { conversation } = await loadForViewer(s, c.get("caller"), id);
      return c.json(await load(conversation, c.get("caller"), segment, page), 200);
    })
    .openapi(editRoute, async (c) => {
      const { id, themeId } = c.req.valid("param");
      const conversation = await s.conversations.get(id);
      if (resultsPublished(conversation.state)) {
        throw new ConflictError("Published results can no longer be edited.");
      }
      const { head } = await s.reports.read(id, visibleVersion(conversation, c.get("caller")));
      if (!head.themes.some((t) => t.id === themeId))
        throw new NotFoundError("No theme has this id in the newest report.");
      const body = c.req.valid("json");
      const previous = (await s.reports.edits(id))[themeId];
      await s.reports.saveEdit(id, themeId, {
        title: body.title ?? previous?.title,
        summary: body.summary ?? previous?.summary,
        editedAt: new Date().toISOString(),
      });
      await s.audit.record({
        actorId: c.get("caller").userId,
        actorEmail: c.get("caller").email,
        action: "theme.edit",
        target: `conversation:${id}`,
        details: { themeId },
      });
      return c.json(await load(conversation, c.get("caller")), 200);
    })
    .openapi(exportRoute, async (c) => {
      const { id } = c.req.valid("param");
      const { format } = c.req.valid("query");
      const { conversation } = await loadForViewer(s, c.get("caller"), id);
      const caller = c.get("caller");
      const first = await load(conversation, caller);
      // Exports hold every thought: read every page of the version (a download, not a hot path).
      const thoughts = [];
      for await (const page of s.reports.allThoughts(id, visibleVersion(conversation, caller)))
        thoughts.push(...forCaller(page, caller));
      const { nextCursor: _next, ...report } = { ...first, thoughts };
      const name = `groundswell-${conversation.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")}-v${report.version}`;
      // The exporters are a lazy chunk (infra/bundle.ts): a download is rare, a cold start is not.
      const { toCsv, toMarkdown, toSlides } = await import("../report/export.js");
      const files = {
        csv: { body: toCsv(report), type: "text/csv; charset=utf-8" },
        json: { body: JSON.stringify(report, null, 2), type: "application/json; charset=utf-8" },
        md: { body: toMarkdown(report), type: "text/markdown; charset=utf-8", extension: "md" },
        slides: { body: toSlides(report), type: "text/html; charset=utf-8", extension: "slides.html" },
      } as const;
      const file = files[format];
      return c.body(file.body, 200, {
        "content-type": file.type,
        "content-disposition": `attachment; filename="${name}.${"extension" in file ? file.extension : format}"`,
        // A downloaded deck is content, never a page of this site: no script runs in it.
        ...(format === "slides" && {
          "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
        }),
      });
    })
    .openapi(approveRoute, async (c) => {
      const { id } = c.req.valid("param");
      const { version } = c.req.valid("json");
      const replaced = (await s.conversations.get(id)).approvedReportVersion;
      await s.reports.approve(id, version);
      // The version approved before is superseded now: no route serves it, no table keeps it.
      if (replaced !== undefined && replaced !== version) await s.reports.deleteVersion(id, replaced);
      const caller = c.get("caller");
      await s.audit.record({
        actorId: caller.userId,
        actorEmail: caller.email,
        action: "report.approve",
        target: `conversation:${id}`,
        details: { version },
      });
      return c.json(await load(await s.conversations.get(id), c.get("caller")), 200);
    });
}
