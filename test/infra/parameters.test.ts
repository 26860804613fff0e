import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PARAMETERS, readParameters } from "../../infra/parameters.js";

const read = (values: Record<string, unknown>) =>
  readParameters(Object.fromEntries(Object.entries(values).map(([k, v]) => [`groundswell:${k}`, v])));

describe("deployment parameters", () => {
  it("parses context strings into typed values and ignores unset placeholders and other context", () => {
    expect(
      read({
        adminEmail: "ada@acme.test",
        mailSendRate: "14",
        threatProtection: "true",
        corsOrigins: "https://a.test, https://b.test",
        authDomainPrefix: "",
      }),
    ).toEqual({
      adminEmail: "ada@acme.test",
      mailSendRate: 14,
      threatProtection: true,
      corsOrigins: ["https://a.test", "https://b.test"],
    });
    expect(
      readParameters({ "@aws-cdk/core:target-partitions": ["aws"], "groundswell:threatProtection": false }),
    ).toEqual({
      threatProtection: false,
    });
  });

  it("names every bad value and unknown key in one message", () => {
    expect(() => read({ adminEmail: "nope", mailSendRate: "fast", adminEmial: "x@y.test" })).toThrow(
      /groundswell:adminEmail=nope: must be an email address[\s\S]*groundswell:mailSendRate=fast[\s\S]*groundswell:adminEmial: not a Groundswell parameter/,
    );
  });

  it("refuses combinations that would deploy something half-configured", () => {
    const refused: [Record<string, string>, RegExp][] = [
      [{ samlMetadataUrl: "https://idp.test/m", oidcIssuer: "https://idp.test" }, /not both/],
      [{ oidcIssuer: "https://idp.test" }, /needs oidcClientId and oidcClientSecretArn/],
      [{ passwordSignIn: "false" }, /nobody can sign in/],
      [{ domainName: "app.acme.test" }, /needs certificateArn/],
      [
        { domainName: "app.acme.test", certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x" },
        /must be in us-east-1/,
      ],
      [{ hostedZoneId: "Z0123456789AB" }, /needs hostedZoneName/],
      [{ mailDomain: "acme.test", mailFrom: "a@b.test" }, /must be an address in mailDomain/],
      [{ cognitoMailThroughSes: "true" }, /needs mailDomain or mailFrom/],
      [{ webAclArn: "arn:aws:wafv2:eu-west-1:1:regional/webacl/x" }, /CloudFront \(global\) web ACL/],
      [{ samlMetadataUrl: "http://idp.test/m" }, /https:\/\/ URL/],
    ];
    for (const [values, message] of refused)
      expect(() => read(values), JSON.stringify(values)).toThrow(message);
  });

  it("gives every parameter a unique kebab-case flag and a summary", () => {
    const flags = PARAMETERS.map((p) => p.flag);
    expect(new Set(flags).size).toBe(flags.length);
    for (const p of PARAMETERS) {
      expect(p.flag).toMatch(/^--[a-z]+(-[a-z0-9]+)*$/);
      expect(p.summary.length).toBeGreaterThan(20);
    }
    expect(PARAMETERS.find((p) => p.name === "adminEmail")!.flag).toBe("--admin-email");
  });
});

describe("the deploy guide", () => {
  it("documents every parameter in its table", () => {
    const guide = readFileSync(new URL("../../docs/deploy.md", import.meta.url), "utf8");
    for (const p of PARAMETERS) expect(guide, p.name).toContain(`| \`${p.name}\` (\`${p.flag}\`) |`);
  });
});
