import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { auditLogLines } from "../anonymity/log-audit.js";
import { readTable } from "../anonymity/read-table.js";
import { auditLines, auditTable } from "../anonymity/table-audit.js";
import { createDocumentClient } from "../db/client.js";
import { type DynamoLocal, startDynamoLocal } from "../local/dynamo-local.js";

const USAGE = `Usage: npm run audit:anonymity -- [--endpoint URL | --aws] [--table NAME] [--data DIR] [--logs FILE…] [--json]

Reads a Groundswell table and makes the joins an operator with the table could make: for every
conversation, the fewest candidate authors of any thought and raters of any rating, how many
have fewer than k, the finest timestamp stored next to a thought id, and the smallest group any
combination of the newest report's released slices describes (the release rule's own checker).
With --logs, also searches log files for thought ids and people. Exits 1 when any item has fewer
than k candidates, a time finer than the day sits next to a thought id, a released combination
describes fewer than k people, or a log line names a thought.

  (default)       the embedded default's data folder (GROUNDSWELL_DATA_DIR, default .data, /dynamodb),
                  opened with its own DynamoDB Local: stop \`npm start\` first, or pass --endpoint
  --endpoint URL  a running DynamoDB (Local) endpoint
  --aws           AWS DynamoDB with the usual credentials and AWS_REGION
  --table NAME    the table (default: groundswell, or TABLE_NAME)
  --logs FILE     structured log lines to search (repeatable): the local server's stdout
                  (\`npm start > server.log\`), or CloudWatch lines (\`aws logs tail GROUP --since 30d\`)
  --json          the audit as JSON instead of lines`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: "string" },
      aws: { type: "boolean", default: false },
      table: { type: "string" },
      data: { type: "string" },
      json: { type: "boolean", default: false },
      logs: { type: "string", multiple: true },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const tableName = values.table ?? process.env.TABLE_NAME ?? "groundswell";
  let local: DynamoLocal | undefined;
  let endpoint = values.endpoint ?? process.env.DYNAMODB_ENDPOINT;
  if (!endpoint && !values.aws) {
    const dataPath = join(resolve(values.data ?? process.env.GROUNDSWELL_DATA_DIR ?? ".data"), "dynamodb");
    if (!existsSync(dataPath)) {
      console.error(`No embedded-default data in ${dataPath}: run \`npm start\` once, or pass --endpoint.`);
      return 2;
    }
    local = await startDynamoLocal({ dataPath });
    endpoint = local.endpoint;
  }
  const doc = createDocumentClient({
    region: process.env.AWS_REGION ?? "us-east-1",
    ...(endpoint && { endpoint }),
  });
  try {
    const table = await readTable(doc, tableName);
    const logs = values.logs?.length
      ? auditLogLines(
          values.logs.map((file) => ({ file, text: readFileSync(file, "utf8") })),
          {
            thoughtIds: table.conversations.flatMap((c) =>
              c.items.flatMap((item) =>
                typeof item.sk === "string" && item.sk.startsWith("THOUGHT#") ? [item.sk.slice(8)] : [],
              ),
            ),
            people: table.people.flatMap((p) => [p.id, ...(p.email ? [p.email] : [])]),
          },
        )
      : undefined;
    const audit = auditTable(table, logs);
    if (values.json) console.log(JSON.stringify(audit, null, 2));
    else {
      console.log(`Anonymity audit of table ${tableName}${endpoint ? ` at ${endpoint}` : " (AWS)"}`);
      for (const line of auditLines(audit)) console.log(line);
    }
    return audit.passed ? 0 : 1;
  } finally {
    doc.destroy();
    await local?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(2);
  },
);
