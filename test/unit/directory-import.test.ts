import { describe, expect, it } from "vitest";
import { attributeKey, parseDirectoryCsv } from "../../functions/domain/directory-import.js";

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
});
