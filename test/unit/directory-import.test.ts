import { describe, expect, it } from "vitest";
import { attributeNameSchema, reportAttributeNames } from "../../functions/domain/bounds.js";
import { attributeKey, parseDirectoryCsv } from "../../functions/domain/directory-import.js";
import { OPINION_ATTRIBUTE } from "../../functions/report/opinion.js";

describe("directory CSV", () => {
  it("turns headers into attribute names", () => {
    expect(attributeKey("Tenure band")).toBe("tenureBand");
    expect(attributeKey(" Cost-center ID ")).toBe("costCenterId");
    expect(attributeKey("EMAIL")).toBe("email");
  });

  it("parses quoted fields, a byte-order mark and defaults the role", () => {
    const parsed = parseDirectoryCsv(
      '\uFEFFEmail,Name,Role,Department\n"A@Example.com","Doe, Jane",,"R&D, Labs"\n',
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.people).toEqual([
      {
        email: "a@example.com",
        name: "Doe, Jane",
        role: "employee",
        attributes: { department: "R&D, Labs" },
        active: true,
      },
    ]);
  });

  it("reports malformed CSV instead of throwing", () => {
    const parsed = parseDirectoryCsv('email,name,role\n"unterminated,x,employee\n');
    expect(parsed.errors[0]!.path).toBe("csv");
  });

  it("refuses attribute columns named like JavaScript's own object properties, or too many", () => {
    const reserved = parseDirectoryCsv(
      "email,name,role,Constructor,Has own property\na@example.com,A,,x,y\n",
    );
    expect(reserved.people).toEqual([]);
    expect(reserved.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('"constructor"'),
      expect.stringContaining('"hasOwnProperty"'),
    ]);
    // A column the report's own opinion-group slices would clash with (`opinionGroup:A`).
    const clash = parseDirectoryCsv("email,name,role,Department,Opinion group\na@example.com,A,,Sales,A\n");
    expect(clash.people).toEqual([]);
    expect(clash.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('"opinionGroup" is the name the report gives opinion groups'),
    ]);
    expect(reportAttributeNames.has(OPINION_ATTRIBUTE)).toBe(true);
    expect(attributeNameSchema.safeParse(OPINION_ATTRIBUTE).success).toBe(false);
    const wide = Array.from({ length: 31 }, (_, i) => `attr${i}`).join(",");
    expect(parseDirectoryCsv(`email,name,role,${wide}\n`).errors[0]!.message).toContain("at most 30");
  });
});

describe("import problems in a person's words (issue 12, defect 7)", () => {
  it("names the line where an unclosed quote opens, not where the parser gave up", () => {
    const csv = [
      "email,name,role",
      "ada@example.com,Ada,employee",
      'bob@example.com,"Bob Smith,employee',
      "cy@example.com,Cy,employee",
      "dee@example.com,Dee,employee",
      "eve@example.com,Eve,employee",
    ].join("\n");
    const [error] = parseDirectoryCsv(csv).errors;
    expect(error?.message).toMatch(/^a quote \("\) opens on line 3 and is never closed/);
    expect(error?.message).not.toMatch(/Quote Not Closed|line 7/);
  });

  it("says which roles exist instead of zod's words", () => {
    const [error] = parseDirectoryCsv("email,name,role\nada@example.com,Ada,boss").errors;
    expect(error).toEqual({
      path: "row 2.role",
      message: '"boss" is not a role: use employee, facilitator, leader, admin (or leave it empty)',
    });
  });

  it("reads a semicolon- or tab-separated file, and says when the header has one column", () => {
    const semi = parseDirectoryCsv("email;name;role;department\nada@example.com;Ada;leader;Sales");
    expect(semi.errors).toEqual([]);
    expect(semi.delimiter).toBe(";");
    expect(semi.people[0]).toMatchObject({ role: "leader", attributes: { department: "Sales" } });
    expect(parseDirectoryCsv("email\tname\trole\nada@example.com\tAda\t").delimiter).toBe("\t");
    const [piped] = parseDirectoryCsv("email|name|role\nada@example.com|Ada|employee").errors;
    expect(piped?.message).toMatch(/one column only/);
  });
});
