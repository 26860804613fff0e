import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { BUNDLING_STACKS } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import { expect } from "vitest";
import { readParameters, type StackParameters } from "../../infra/parameters.js";
import { GroundswellStack } from "../../infra/stack.js";

// Same feature flags as `cdk synth`, so the template under test is the one that deploys.
const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8"));

/** The inline bootstrap a SvelteKit static build writes into index.html, in miniature. */
export const INLINE_SCRIPT = '\n\t\t\t\t{ __sveltekit_x = { base: "" }; }\n\t\t\t';

/** A stand-in web build: index.html with one inline script, and an asset. */
export function fakeWebBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "groundswell-web-"));
  writeFileSync(
    path.join(dir, "index.html"),
    `<!doctype html><title>Groundswell</title><div style="display: contents"><script>${INLINE_SCRIPT}</script></div>` +
      '<script type="module" src="/_app/start.js"></script>',
  );
  writeFileSync(path.join(dir, "favicon.svg"), "<svg/>");
  return dir;
}

let sharedBuild: string | undefined;

/**
 * Synthesizes the stack the way infra/app.ts does: parameters given as `groundswell:*` context and
 * read by readParameters, and with `nag` cdk-nag registered as a validation plugin (any
 * unacknowledged finding throws). Skipping bundling leaves placeholder assets; one bundled synth
 * (nag.test.ts) is proof enough.
 */
export function synth(
  parameters: Record<string, unknown> = {},
  options: { bundle?: boolean; nag?: boolean; webBuildDir?: string } = {},
) {
  const context: Record<string, unknown> = {
    ...cdkJson.context,
    ...(options.bundle ? {} : { [BUNDLING_STACKS]: [] }),
    ...Object.fromEntries(Object.entries(parameters).map(([k, v]) => [`groundswell:${k}`, v])),
  };
  const app = new App({ context });
  const stackParameters: StackParameters = readParameters(app.node.getAllContext());
  sharedBuild ??= fakeWebBuild();
  const stack = new GroundswellStack(app, "GroundswellStack", {
    webBuildDir: options.webBuildDir ?? sharedBuild,
    ...stackParameters,
  });
  // cdk-nag doubles a synth's time: nag.test.ts runs it on every configuration, other files skip it.
  const nag = options.nag ? new AwsSolutionsChecks(app) : undefined;
  if (nag) Validations.of(app).addPlugins(nag);
  const template = Template.fromStack(stack);
  return { stack, template, nagViolations: nag ? nag.validateScope(stack).violations : [] };
}

export type Synth = ReturnType<typeof synth>;

export const describeFindings = (
  violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[],
) => violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(", ")}`);

export type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
export const actionsOf = (s: Statement) => [s.Action].flat();

/** The function whose description starts with `description`, with its logical id. */
export function lambdaNamed(template: Template, description: string) {
  const found = Object.entries(template.findResources("AWS::Lambda::Function")).filter(([, r]) =>
    String(r.Properties.Description ?? "").startsWith(description),
  );
  expect(found).toHaveLength(1);
  const [id, resource] = found[0]!;
  return { id, properties: resource.Properties };
}

/** Every statement of the policies attached to the function's role. */
export function statementsOf(template: Template, description: string): Statement[] {
  const roleId = lambdaNamed(template, description).properties.Role["Fn::GetAtt"][0];
  return Object.values(template.findResources("AWS::IAM::Policy"))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export const logicalId = (template: Template, type: string, props: Record<string, unknown> = {}) => {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
export const arnOf = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });
export const resourceOf = (template: Template, id: string) => template.toJSON().Resources[id];

export const API = "Groundswell HTTP API";
export const WORKER = "Groundswell theme-run worker";
export const SCHEDULER = "Groundswell scheduler";
export const MAIL_WORKER = "Groundswell mail worker";
export const SUPPRESSION = "Groundswell mail suppression";
