import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./constructs/node-lambda.js";
import { CONTEXT_PREFIX, PARAMETERS, type Parameter, readParameters } from "./parameters.js";

/**
 * `npm run deploy -- [--params FILE] [--<parameter> VALUE …] [--profile P] [--region R] [--synth]`
 * builds the web app and runs `cdk deploy` with the parameters as `groundswell:*` context.
 * Parameters come from, in order (later wins): cdk.json's context, a JSON file given with
 * --params (keep one per installation, so an upgrade redeploys the same), and flags.
 */

const STACK = "GroundswellStack";
const GROUP_TITLES: Record<Parameter["group"], string> = {
  basics: "Basics",
  sso: "Single sign-on (SAML or OIDC)",
  mail: "Mail (SES)",
  domain: "Custom domain",
  edge: "Edge",
  capacity: "Capacity",
};

function help(): string {
  const lines = [
    "Usage: npm run deploy -- [options]",
    "",
    "Builds the web app (npm run build:web) and deploys GroundswellStack with cdk deploy.",
    "Every parameter can also be set as CDK context groundswell:<name> (cdk.json or -c), or in a",
    'JSON file {"<name>": value} given with --params. docs/deploy.md explains each one.',
    "",
    "Options:",
    "  --params FILE        read parameters from a JSON file (flags override it)",
    "  --profile NAME       AWS profile for cdk (else the usual AWS environment)",
    "  --region REGION      region to deploy to (else the profile's)",
    "  --synth              check the parameters and synthesize only; deploy nothing",
    "  --help               this text",
    "  -- ARGS              anything after a bare -- goes to cdk deploy as is",
  ];
  for (const group of Object.keys(GROUP_TITLES) as Parameter["group"][]) {
    lines.push("", `${GROUP_TITLES[group]}:`);
    for (const p of PARAMETERS.filter((x) => x.group === group)) {
      lines.push(`  ${p.flag} VALUE`, `      ${p.summary}`);
      if (p.example) lines.push(`      e.g. ${p.flag} ${p.example}`);
    }
  }
  return lines.join("\n");
}

interface Plan {
  readonly values: Record<string, unknown>;
  readonly profile?: string;
  readonly region?: string;
  readonly synthOnly: boolean;
  readonly passThrough: readonly string[];
}

/** Reads the command line; throws with a one-line reason on anything it does not know. */
export function parseArgs(argv: readonly string[], cdkContext: Record<string, unknown> = {}): Plan | "help" {
  const byFlag = new Map<string, Parameter>(PARAMETERS.map((p) => [p.flag, p]));
  const values: Record<string, unknown> = Object.fromEntries(
    Object.entries(cdkContext)
      .filter(([k]) => k.startsWith(CONTEXT_PREFIX))
      .map(([k, v]) => [k.slice(CONTEXT_PREFIX.length), v]),
  );
  const fromFlags: Record<string, unknown> = {};
  let profile: string | undefined;
  let region: string | undefined;
  let synthOnly = false;
  const args = [...argv];
  const passAt = args.indexOf("--");
  const passThrough = passAt >= 0 ? args.splice(passAt).slice(1) : [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value`);
      i++;
      return next;
    };
    if (flag === "--help" || flag === "-h") return "help";
    else if (flag === "--synth") synthOnly = true;
    else if (flag === "--profile") profile = value();
    else if (flag === "--region") region = value();
    else if (flag === "--params") {
      const file = value();
      const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error(`${file} must hold a JSON object of parameter names and values`);
      Object.assign(values, parsed);
    } else if (byFlag.has(flag)) {
      const p = byFlag.get(flag)!;
      // A boolean flag alone means true: --threat-protection
      const next = args[i + 1];
      const isBoolean = p.schema.safeParse("true").success && p.schema.safeParse("false").success;
      fromFlags[p.name] =
        isBoolean && inline === undefined && (next === undefined || next.startsWith("--")) ? "true" : value();
    } else throw new Error(`Unknown option ${arg}. npm run deploy -- --help lists them.`);
  }
  return { values: { ...values, ...fromFlags }, profile, region, synthOnly, passThrough };
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  console.log(`\n> ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function main() {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, "cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  let plan: ReturnType<typeof parseArgs>;
  try {
    plan = parseArgs(process.argv.slice(2), cdkJson.context);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  if (plan === "help") {
    console.log(help());
    return;
  }
  const context = Object.fromEntries(
    Object.entries(plan.values).map(([name, value]) => [
      `${CONTEXT_PREFIX}${name}`,
      Array.isArray(value) ? value.join(",") : value,
    ]),
  );
  try {
    // The same check the synth makes, before minutes of building.
    readParameters(context);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }

  run("npm", ["run", "build:web"]);
  if (!existsSync(path.join(REPO_ROOT, "web/build/index.html"))) {
    console.error("The web build did not produce web/build/index.html.");
    process.exit(1);
  }
  const cdkArgs = [
    ...Object.entries(context).flatMap(([key, value]) => ["-c", `${key}=${String(value)}`]),
    ...(plan.profile ? ["--profile", plan.profile] : []),
  ];
  const env = {
    ...process.env,
    ...(plan.region && { AWS_REGION: plan.region, AWS_DEFAULT_REGION: plan.region }),
  };
  if (plan.synthOnly) {
    run("npx", ["cdk", "synth", "--quiet", ...cdkArgs], env);
    console.log("\nSynthesized (cdk-nag clean). Nothing was deployed.");
    return;
  }
  const outputs = path.join(REPO_ROOT, "cdk-outputs.json");
  run("npx", ["cdk", "deploy", STACK, ...cdkArgs, "--outputs-file", outputs, ...plan.passThrough], env);
  const values =
    (JSON.parse(readFileSync(outputs, "utf8")) as Record<string, Record<string, string>>)[STACK] ?? {};
  console.log(`\nGroundswell is deployed: ${values.WebUrl}`);
  const dkim = Object.entries(values).filter(([k]) => k.startsWith("DkimRecord"));
  if (dkim.length > 0) {
    console.log("Add these DNS records so SES can verify the mail domain (DKIM):");
    for (const [, record] of dkim) console.log(`  ${record}`);
  }
  console.log("Next: docs/deploy.md, 'After the first deploy' (SES sandbox, first sign-in, SSO).");
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(REPO_ROOT, "infra/deploy.ts")) main();
