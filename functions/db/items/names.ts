import * as z from "zod";
import { defineItem } from "../item.js";

const namesPartition = "NAMES";

/** One chunk of the directory's name index (repositories/names-index.ts): lookup key → count. */
export const nameIndexChunkItem = defineItem({
  name: "name index chunk",
  key: ({ chunk }: { chunk: number }) => ({
    pk: namesPartition,
    sk: `CHUNK#${String(chunk).padStart(3, "0")}`,
  }),
  schema: z.object({ entries: z.record(z.string(), z.number()) }),
});

/** Which version of the name index to read, and how many chunks it has. */
export const nameIndexVersionItem = defineItem({
  name: "name index version",
  key: () => ({ pk: namesPartition, sk: "VERSION" }),
  schema: z.object({ version: z.string().min(1), chunks: z.int().min(0) }),
});
