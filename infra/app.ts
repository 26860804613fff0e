import { existsSync } from "node:fs";
import * as path from "node:path";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { REPO_ROOT } from "./constructs/node-lambda.js";
import { GroundswellStack } from "./stack.js";

const app = new App();

/** Context values arrive as strings from `-c key=value` and as JSON from cdk.json. */
const flag = (key: string) => String(app.node.tryGetContext(key) ?? "") === "true";
const list = (key: string) =>
  String(app.node.tryGetContext(key) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

// A clean clone has no web build; synth must still work, it just deploys an empty site.
const webBuildDir = path.join(REPO_ROOT, "web/build");
const authDomainPrefix = app.node.tryGetContext("groundswell:authDomainPrefix");
const mailFrom = app.node.tryGetContext("groundswell:mailFrom");

// No env: the template is account- and region-agnostic, so synth needs no credentials or lookups.
new GroundswellStack(app, "GroundswellStack", {
  description: "Groundswell: anonymous company-wide strategy conversations",
  webBuildDir: existsSync(webBuildDir) ? webBuildDir : undefined,
  corsOrigins: list("groundswell:corsOrigins"),
  threatProtection: flag("groundswell:threatProtection"),
  authDomainPrefix: authDomainPrefix ? String(authDomainPrefix) : undefined,
  mailFrom: mailFrom ? String(mailFrom) : undefined,
});

// cdk-nag 3 is a policy-validation plugin: any unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
