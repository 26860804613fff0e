import * as path from "node:path";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { REPO_ROOT } from "./constructs/node-lambda.js";
import { readParameters } from "./parameters.js";
import { GroundswellStack } from "./stack.js";

const app = new App();

// Every groundswell:* context value (cdk.json, -c, or `npm run deploy -- --flag`), checked in one place.
const parameters = readParameters(app.node.getAllContext());

// No env: the template is account- and region-agnostic, so synth needs no credentials or lookups.
new GroundswellStack(app, "GroundswellStack", {
  description: "Groundswell: anonymous company-wide strategy conversations",
  webBuildDir: path.join(REPO_ROOT, "web/build"),
  ...parameters,
});

// cdk-nag 3 is a policy-validation plugin: any unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
