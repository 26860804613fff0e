import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../infra/deploy.js";

describe("npm run deploy arguments", () => {
  it("turns flags into parameters, over a params file, over cdk.json", () => {
    const file = join(mkdtempSync(join(tmpdir(), "gs-deploy-")), "acme.json");
    writeFileSync(file, JSON.stringify({ adminEmail: "file@acme.test", mailDomain: "acme.test" }));
    const plan = parseArgs(
      [
        "--params",
        file,
        "--admin-email",
        "ada@acme.test",
        "--mail-send-rate=14",
        "--threat-protection",
        "--region",
        "eu-west-1",
        "--",
        "--require-approval",
        "never",
      ],
      {
        "groundswell:mailDomain": "old.test",
        "groundswell:operatorEmail": "ops@acme.test",
        "@aws-cdk/x": true,
      },
    );
    expect(plan).toEqual({
      values: {
        adminEmail: "ada@acme.test",
        mailDomain: "acme.test",
        operatorEmail: "ops@acme.test",
        mailSendRate: "14",
        threatProtection: "true",
      },
      region: "eu-west-1",
      profile: undefined,
      synthOnly: false,
      passThrough: ["--require-approval", "never"],
    });
  });

  it("asks for help, and refuses unknown options and missing values", () => {
    expect(parseArgs(["--help"])).toBe("help");
    expect(() => parseArgs(["--admin-mail", "x"])).toThrow(/Unknown option --admin-mail/);
    expect(() => parseArgs(["--admin-email"])).toThrow(/--admin-email needs a value/);
    expect(() => parseArgs(["--admin-email", "--synth"])).toThrow(/needs a value/);
  });
});
