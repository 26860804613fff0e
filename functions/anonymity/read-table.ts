import { type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { snapshotCellsItem } from "../db/items/snapshot-cells.js";
import type { AuditPerson, ConversationItems, TableItems } from "./table-audit.js";

type Raw = Record<string, unknown>;

/**
 * Reads a whole table the way an operator would: one paginated Scan (an offline audit, never a
 * request path), items grouped by partition. Nothing is parsed strictly: old shapes count too.
 */
export async function readTable(doc: DynamoDBDocumentClient, tableName: string): Promise<TableItems> {
  const partitions = new Map<string, Raw[]>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      const pk = typeof item.pk === "string" ? item.pk : "";
      const list = partitions.get(pk) ?? [];
      list.push(item);
      partitions.set(pk, list);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  const people: AuditPerson[] = (partitions.get("DIR") ?? []).flatMap((item) =>
    typeof item.id === "string" && item.attributes && typeof item.attributes === "object"
      ? [
          {
            id: item.id,
            ...(typeof item.email === "string" && { email: item.email }),
            attributes: item.attributes as Record<string, string>,
          },
        ]
      : [],
  );
  const assignments = new Map<string, Raw[]>();
  const others: Raw[] = [];
  for (const [pk, items] of partitions) {
    if (pk.startsWith("RATER#")) {
      const conversationId = pk.split("#")[1] ?? "";
      assignments.set(conversationId, [...(assignments.get(conversationId) ?? []), ...items]);
    } else if (pk.startsWith("IDEM#")) others.push(...items);
  }
  const conversations: ConversationItems[] = [];
  for (const [pk, items] of partitions) {
    if (!pk.startsWith("CONV#")) continue;
    const meta = items.find((item) => item.sk === "META");
    if (!meta) continue;
    const id = pk.slice("CONV#".length);
    const cellsItem = items.find((item) => item.sk === "SNAPSHOT-CELLS");
    const cells = cellsItem ? snapshotCellsItem.schema.safeParse(cellsItem) : undefined;
    conversations.push({
      id,
      title: typeof meta.title === "string" ? meta.title : "",
      meta,
      items: items.filter((item) => item !== meta),
      assignments: assignments.get(id) ?? [],
      ...(cells?.success && { cells: cells.data }),
    });
  }
  return { people, conversations, others };
}
