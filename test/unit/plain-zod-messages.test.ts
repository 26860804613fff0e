import { describe, expect, it } from "vitest";
import * as z from "zod";
import { usePlainZodMessages } from "../../functions/lib/plain-zod-messages.js";

usePlainZodMessages();

const messages = (schema: z.ZodType, input: unknown) =>
  schema.safeParse(input).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);

describe("plain field messages", () => {
  it("say what a field needs in words, not in zod's type-checker terms", () => {
    const schema = z.object({
      title: z.string().min(2).max(120),
      summary: z.string().max(2000),
      owner: z.string(),
      size: z.int().min(1).max(25),
      ratio: z.number().gt(0),
      tags: z.array(z.string()).min(1).max(3),
      name: z.string().min(1),
    });
    expect(
      messages(schema, { title: "x", summary: "s".repeat(2001), size: 1.5, ratio: 0, tags: [], name: "" }),
    ).toEqual([
      "title: needs at least 2 characters",
      "summary: can be at most 2,000 characters",
      "owner: is required",
      "size: must be a whole number",
      "ratio: must be more than 0",
      "tags: needs at least 1 item",
      "name: is required",
    ]);
    expect(messages(schema.shape.size, 30)).toEqual([": must be at most 25"]);
    expect(messages(schema.shape.tags, ["a", "b", "c", "d"])).toEqual([": can have at most 3 items"]);
    expect(messages(schema.shape.title, 7)).toEqual([": must be text"]);
  });

  it("leave a schema's own message alone", () => {
    expect(messages(z.string().min(3, "a title needs at least 3 characters"), "ab")).toEqual([
      ": a title needs at least 3 characters",
    ]);
  });
});
