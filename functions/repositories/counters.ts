import { type CounterField, counterShardItem, counterShards } from "../db/items/conversations.js";

/**
 * A transaction item that adds to a conversation's counters. A random shard keeps concurrent
 * writers apart; readers sum the shards (ConversationRepository.counts).
 */
export function counterIncrement(
  tableName: string,
  conversationId: string,
  deltas: Partial<Record<CounterField, number>>,
) {
  const entries = Object.entries(deltas).filter(([, delta]) => delta !== 0);
  if (entries.length === 0) return undefined;
  const shard = Math.floor(Math.random() * counterShards);
  return {
    Update: {
      TableName: tableName,
      Key: counterShardItem.key({ conversationId, shard }),
      UpdateExpression: `ADD ${entries.map(([field]) => `#${field} :${field}`).join(", ")}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([field]) => [`#${field}`, field])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([field, delta]) => [`:${field}`, delta])),
    },
  };
}
