/**
 * The log half of the anonymity audit (issue 9: the audit "reads a table … and the logs").
 * DESIGN §3.1: no log line links a person to a thought, and §3.7: nothing beside a thought id
 * tells a time finer than the day — and every structured line carries a millisecond timestamp,
 * so a line may not name a thought at all.
 *
 * Sources: structured JSON lines as functions/lib/logger.ts writes them — the embedded default's
 * server prints them on stdout (`npm start > server.log`), Lambda sends the same lines to
 * CloudWatch Logs (export them with `aws logs tail <group> --since 30d > lambda.log`). The audit
 * reads the files it is given; it cannot reach CloudWatch, API Gateway or CloudFront logs itself.
 */
export interface LogAudit {
  readonly files: readonly string[];
  readonly lines: number;
  /** Lines that are not JSON (a stack trace, npm's banner): searched as text all the same. */
  readonly unstructured: number;
  /** Lines naming a stored thought id (each has a timestamp finer than the day). */
  readonly namingThought: number;
  /** Lines naming a person of the directory (id or email). */
  readonly namingPerson: number;
  /** Lines naming both: a direct link of a person to a thought. */
  readonly linking: number;
  readonly passed: boolean;
}

/** Ids worth looking for: long enough that a match is no accident. */
const worthSearching = (id: string) => id.length >= 8;

/**
 * Searches every line for the table's thought ids and the directory's people. Plain substring
 * search over the whole line, structured or not: a field the logger never should have written
 * is found wherever it sits.
 */
export function auditLogLines(
  sources: readonly { readonly file: string; readonly text: string }[],
  known: { readonly thoughtIds: Iterable<string>; readonly people: Iterable<string> },
): LogAudit {
  const thoughtIds = [...new Set(known.thoughtIds)].filter(worthSearching);
  const people = [...new Set(known.people)].filter(worthSearching).map((p) => p.toLowerCase());
  let lines = 0;
  let unstructured = 0;
  let namingThought = 0;
  let namingPerson = 0;
  let linking = 0;
  for (const { text } of sources) {
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim()) continue;
      lines++;
      if (!isJsonObject(line)) unstructured++;
      const lower = line.toLowerCase();
      const thought = thoughtIds.some((id) => line.includes(id));
      const person = people.some((p) => lower.includes(p));
      if (thought) namingThought++;
      if (person) namingPerson++;
      if (thought && person) linking++;
    }
  }
  return {
    files: sources.map((s) => s.file),
    lines,
    unstructured,
    namingThought,
    namingPerson,
    linking,
    passed: namingThought === 0 && linking === 0,
  };
}

function isJsonObject(line: string): boolean {
  if (!line.startsWith("{")) return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
}

/** What the audit prints about the logs. */
export function logLines(audit: LogAudit | undefined): string[] {
  if (!audit) {
    return [
      "logs: none given (--logs FILE: the local server's stdout, or CloudWatch lines exported with `aws logs tail`);",
      "  not reachable from here: CloudWatch Logs itself, API Gateway access logs, CloudFront logs",
    ];
  }
  return [
    `logs: ${audit.files.join(", ")}: ${audit.lines} lines (${audit.unstructured} not JSON)`,
    `  lines naming a thought id ${audit.namingThought}, naming a person ${audit.namingPerson}, naming both ${audit.linking} — ${audit.passed ? "PASS" : "FAIL"}`,
  ];
}
