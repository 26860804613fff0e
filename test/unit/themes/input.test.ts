import { describe, expect, it } from "vitest";
import { detectFormat, InputError, parseThoughts } from "../../../functions/themes/input.js";

describe("detectFormat", () => {
  it("goes by extension first", () => {
    expect(detectFormat("a.CSV", "whatever")).toBe("csv");
    expect(detectFormat("a.jsonl", "plain")).toBe("jsonl");
    expect(detectFormat("a.ndjson", "plain")).toBe("jsonl");
    expect(detectFormat("a.txt", '{"text":"x"}')).toBe("lines");
  });

  it("falls back to the content", () => {
    expect(detectFormat("input", '\n{"id": 1, "text": "x"}\n')).toBe("jsonl");
    expect(detectFormat("input", "id,text\n1,hello\n")).toBe("csv");
    expect(detectFormat("input", '"Text","id"\n"a",1\n')).toBe("csv");
    expect(detectFormat("input", "first thought\nsecond, with a comma\n")).toBe("lines");
    expect(detectFormat("input", "{not json\n")).toBe("lines");
  });
});

describe("parseThoughts: CSV", () => {
  it("reads quoted fields with commas, quotes and newlines", () => {
    const csv = 'id,text\nA1,"Hello, world"\nA2,"She said ""ship it""\nthen left"\n';
    expect(parseThoughts(csv, "csv")).toEqual([
      { id: "A1", text: "Hello, world" },
      { id: "A2", text: 'She said "ship it"\nthen left' },
    ]);
  });

  it("numbers rows when there is no id column, skips blank texts, reads scores", () => {
    const csv = "\uFEFFScore,TEXT,team\n4.5,first,x\n,   ,y\n,third,z\n";
    expect(parseThoughts(csv, "csv")).toEqual([
      { id: "1", text: "first", score: 4.5 },
      { id: "3", text: "third" },
    ]);
  });

  it("explains a missing text column, duplicate ids and bad scores", () => {
    expect(() => parseThoughts("id,body\n1,x\n", "csv")).toThrow(/no "text" column \(columns: id, body\)/);
    expect(() => parseThoughts("id,text\n7,a\n7,b\n", "csv")).toThrow(/duplicate id "7" \(row 2\)/);
    expect(() => parseThoughts("text,score\na,high\n", "csv")).toThrow(InputError);
    expect(() => parseThoughts('text\n"unterminated\n', "csv")).toThrow(/not valid CSV/);
  });
});

describe("parseThoughts: JSONL", () => {
  it("reads ids (strings or numbers), defaults to line numbers, skips blank lines", () => {
    const jsonl = '{"id": 10, "text": "a"}\n\n{"text": "b", "score": 3}\n{"id": "x", "text": "c"}\r\n';
    expect(parseThoughts(jsonl, "jsonl")).toEqual([
      { id: "10", text: "a" },
      { id: "3", text: "b", score: 3 },
      { id: "x", text: "c" },
    ]);
  });

  it("names the offending line", () => {
    expect(() => parseThoughts('{"text": "a"}\n{oops}\n', "jsonl")).toThrow(/line 2: not valid JSON/);
    expect(() => parseThoughts('{"id": 1}\n', "jsonl")).toThrow(/line 1: "text" must be a string/);
    expect(() => parseThoughts("[1, 2]\n", "jsonl")).toThrow(/line 1: expected a JSON object/);
    expect(() => parseThoughts('{"id": 1, "text": "a"}\n{"id": "1", "text": "b"}\n', "jsonl")).toThrow(
      /duplicate id "1" \(line 2\)/,
    );
  });
});

describe("parseThoughts: plain lines", () => {
  it("takes one thought per non-blank line, id = line number", () => {
    expect(parseThoughts("first\n\n  second, with comma  \r\nthird", "lines")).toEqual([
      { id: "1", text: "first" },
      { id: "3", text: "second, with comma" },
      { id: "4", text: "third" },
    ]);
  });
});
