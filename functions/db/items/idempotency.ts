import * as z from "zod";
import { defineItem } from "../item.js";

/**
 * What a creating request with an Idempotency-Key made: only the created id and a hash of the
 * request. Its key is an HMAC of person and client key, so it names no person (DESIGN §3.1).
 */
export const idempotencyItem = defineItem({
  name: "idempotency record",
  key: ({ recordKey }: { recordKey: string }) => ({ pk: `IDEM#${recordKey}`, sk: "IDEM" }),
  schema: z.object({ resultId: z.string().min(1), requestHash: z.string().min(1) }),
});
