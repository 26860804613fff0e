import { describe, expect, it } from "vitest";
import { parseConfig } from "../../functions/config.js";

describe("configuration", () => {
  it("parses once with defaults", () => {
    const config = parseConfig({ JWT_ISSUER: "https://issuer.example.com", JWT_AUDIENCE: "client" });
    expect(config).toMatchObject({ TABLE_NAME: "groundswell", AWS_REGION: "us-east-1" });
  });

  it("fails fast naming every bad value", () => {
    expect(() => parseConfig({ JWT_ISSUER: "not a url", DYNAMODB_ENDPOINT: "nope" })).toThrow(
      /JWT_ISSUER[\s\S]*JWT_AUDIENCE|JWT_AUDIENCE[\s\S]*JWT_ISSUER/,
    );
  });
});
