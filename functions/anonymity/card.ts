/**
 * The anonymity audit card a report carries (issue 9: "an anonymity audit card that the
 * leadership report can show too"). The theme-run job computes it beside the report, with the
 * same code as `npm run audit:anonymity`, on one conversation: the joins an operator could make on
 * its stored items (table-audit.ts), the finest time stored beside a thought id, and the smallest
 * group any combination of the report's released slices describes (report-audit.ts).
 */
import type { Db } from "../db/client.js";
import { conversationItem, conversationPartition } from "../db/items/conversations.js";
import { type KeyQuery, queryRaw, type StoredKey } from "../db/query.js";
import type { SnapshotCells } from "../domain/snapshot-cells.js";
import type { AnonymityCard } from "../report/schema.js";
import type { Contributor } from "../report/segments.js";
import { auditReport, type ReportReleases, releasedSummary, type StoredRating } from "./report-audit.js";
import { type AuditPerson, auditConversation } from "./table-audit.js";

type Raw = Record<string, unknown>;

async function rawItems(db: Db, query: KeyQuery): Promise<Raw[]> {
  const items: Raw[] = [];
  let startKey: StoredKey | undefined;
  do {
    const page = await queryRaw(db, query, { startKey });
    items.push(...page.items);
    startKey = page.lastKey;
  } while (startKey);
  return items;
}

export interface CardInput {
  readonly db: Db;
  readonly conversationId: string;
  readonly settings: { readonly anonymityThreshold: number; readonly textAnonymityThreshold?: number };
  /** The active directory (the audit joins today's directory, as an operator would). */
  readonly people: readonly AuditPerson[];
  readonly cells?: SnapshotCells;
  /** What the report releases, and the populations its rule counted. */
  readonly report: ReportReleases;
  readonly ratings: readonly StoredRating[];
  readonly raters?: readonly Contributor[];
  readonly participants: readonly Contributor[];
  readonly day: string;
}

/**
 * Reads the conversation's partition and its assignments as stored (a job, not a request: two
 * paginated Queries) and audits them with the report's releases.
 */
export async function anonymityCard(input: CardInput): Promise<AnonymityCard> {
  const [items, assignments] = await Promise.all([
    rawItems(input.db, { partition: conversationPartition(input.conversationId) }),
    rawItems(input.db, { index: "gsi1", partition: `RATINGS#${input.conversationId}` }),
  ]);
  const metaKey = conversationItem.key({ id: input.conversationId });
  const meta = items.find((item) => item.sk === metaKey.sk) ?? {};
  const table = auditConversation(
    {
      id: input.conversationId,
      title: typeof meta.title === "string" ? meta.title : "",
      meta,
      items: items.filter((item) => item !== meta),
      assignments,
      ...(input.cells && { cells: input.cells }),
    },
    input.people,
  );
  const released = auditReport({
    report: input.report,
    ratings: input.ratings,
    ...(input.raters && { raters: input.raters }),
    participants: input.participants,
    settings: input.settings,
  });
  const summary = releasedSummary(released, table.k);
  const underK = table.thoughts.underK + table.ratings.underK;
  return {
    k: table.k,
    fewestAuthors: table.thoughts.fewest,
    fewestRaters: table.ratings.fewest,
    finestTimestamp: table.finest,
    smallestReleasedGroup: summary.smallest,
    passed: underK === 0 && (table.finest === null || table.finest === "day") && summary.passed,
    checkedDay: input.day,
  };
}
