import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "svelte/compiler";
import { describe, expect, it } from "vitest";

/**
 * Issue 12: a page's data is read in its `+page.ts` load (through web/src/lib/load.ts, so the
 * navigation waits, the layout shows one busy bar and a problem is the error page or the page's
 * own explained state), not fetched by a component when it mounts. This scans every component
 * under web/src/routes for code that runs by itself — `onMount`, `$effect`, `$effect.pre` and the
 * script's top level — and reads the API there: `api.…`, `fetch`, or a function of the same
 * script, or an imported `load…`/`fetch…` helper, that does (followed through the script's own
 * functions). Reading on a click or a submit is an action and is not looked at.
 *
 * A component that must read by itself anyway is listed below with why. It catches what a
 * component does in its own script; a read hidden in another module behind a name that says
 * neither load nor fetch would pass unseen.
 */
const allowed: Record<string, string> = {
  "auth/callback/+page.svelte":
    "finishes sign-in: exchanges the provider's one-time code, then reads who signed in; runs once, then redirects",
  "SampleData.svelte":
    "follows the sample-data job's progress (a job already running when the empty home opens, or one the leader starts)",
  "c/[id]/report/ThemeRun.svelte":
    "follows a theme run's progress bar: a run already under way when the report opens, or one started by its button",
  "c/[id]/Emerging.svelte":
    "the emerging thoughts appear once the participant reaches their rating target while rating on the page",
  "facilitate/AudienceCount.svelte":
    "recounts who is invited as the facilitator ticks values (an interaction, debounced), not the page's data",
  "+layout.svelte":
    "the navigation's moderation queue count, for every page (owned by the layout, not a page)",
};

const routes = join(import.meta.dirname, "../../web/src/routes");

function components(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return components(path);
    return entry.name.endsWith(".svelte") ? [path] : [];
  });
}

type Node = { type: string; [key: string]: unknown };
const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && typeof (value as Node).type === "string";

function children(node: Node): Node[] {
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === "parent" || key === "typeAnnotation" || key === "returnType") return [];
    if (Array.isArray(value)) return value.filter(isNode);
    return isNode(value) ? [value] : [];
  });
}

function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of children(node)) yield* walk(child);
}

const calleeName = (node: Node): string | null => {
  const callee = node.callee as Node;
  if (callee.type === "Identifier") return callee.name as string;
  if (callee.type === "MemberExpression" && (callee.object as Node).type === "Identifier") {
    return `${(callee.object as Node).name}.${((callee.property as Node).name as string) ?? ""}`;
  }
  return null;
};

/** The names of the API a body touches directly, and the functions it calls by name. */
function reads(body: Node, imported: Set<string>): { direct: boolean; calls: Set<string> } {
  let direct = false;
  const calls = new Set<string>();
  for (const node of walk(body)) {
    if (node.type === "Identifier" && (node.name === "api" || node.name === "fetch")) direct = true;
    if (node.type === "CallExpression") {
      const name = calleeName(node);
      if (name && imported.has(name) && /^(load|fetch)[A-Z]/.test(name)) direct = true;
      if (name) calls.add(name);
    }
  }
  return { direct, calls };
}

/** Why each piece of code that runs by itself reads the API, or nothing when none does. */
function selfStartedReads(source: string): string[] {
  const ast = parse(source, { modern: true });
  const program = ast.instance?.content as unknown as Node | undefined;
  if (!program) return [];
  const statements = program.body as Node[];
  const imported = new Set(
    statements
      .filter((s) => s.type === "ImportDeclaration")
      .flatMap((s) => (s.specifiers as Node[]).map((spec) => (spec.local as Node).name as string)),
  );
  // The script's own functions that read the API, followed through the calls between them.
  const functions = new Map<string, Node>();
  for (const node of walk(program)) {
    if (node.type === "FunctionDeclaration" && node.id) functions.set((node.id as Node).name as string, node);
    if (node.type === "VariableDeclarator" && (node.id as Node).type === "Identifier") {
      const init = node.init as Node | null;
      if (init && (init.type === "ArrowFunctionExpression" || init.type === "FunctionExpression")) {
        functions.set((node.id as Node).name as string, init);
      }
    }
  }
  const reading = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, fn] of functions) {
      if (reading.has(name)) continue;
      const { direct, calls } = reads(fn.body as Node, imported);
      if (direct || [...calls].some((c) => reading.has(c))) {
        reading.add(name);
        grew = true;
      }
    }
  }
  const readsApi = (body: Node) => {
    // onMount(load): a function of the script handed over by name.
    if (body.type === "Identifier") return reading.has(body.name as string);
    const { direct, calls } = reads(body, imported);
    return direct || [...calls].some((c) => reading.has(c));
  };

  const found: string[] = [];
  for (const node of walk(program)) {
    if (node.type !== "CallExpression") continue;
    const name = calleeName(node);
    if (name !== "onMount" && name !== "$effect" && name !== "$effect.pre") continue;
    const [first] = node.arguments as Node[];
    if (first && readsApi(first)) found.push(`${name} reads the API`);
  }
  // Statements at the top level run when the component is created.
  for (const statement of statements) {
    if (statement.type !== "ExpressionStatement") continue;
    const expression = statement.expression as Node;
    const call = expression.type === "UnaryExpression" ? (expression.argument as Node) : expression;
    if (call.type === "CallExpression" && calleeName(call)?.startsWith("$effect")) continue;
    if (call.type === "CallExpression" && calleeName(call) === "onMount") continue;
    if (readsApi(statement)) found.push("the script's top level reads the API");
  }
  return found;
}

describe("page data is loaded in +page.ts, not fetched by components (issue 12)", () => {
  const files = components(routes).map((path) => ({
    name: relative(routes, path),
    reads: selfStartedReads(readFileSync(path, "utf8")),
  }));

  it("finds the components to look at", () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it("no component reads the API by itself unless it is listed with its reason", () => {
    const unlisted = files
      .filter((f) => f.reads.length > 0 && !(f.name in allowed))
      .map((f) => `${f.name}: ${f.reads.join(", ")}`);
    expect(unlisted, "move these reads into the page's +page.ts load (web/src/lib/load.ts)").toEqual([]);
  });

  it("every listed component exists and still reads by itself (else take it off the list)", () => {
    const byName = new Map(files.map((f) => [f.name, f]));
    const stale = Object.entries(allowed)
      .filter(([name]) => (byName.get(name)?.reads.length ?? 0) === 0)
      .map(([name]) => name);
    expect(stale).toEqual([]);
  });

  it("sees a read in an effect, through the script's own functions", () => {
    const source = `<script lang="ts">
import { api, call } from "$lib/api";
let items = $state<string[]>([]);
async function refresh() { items = (await call(api.things.$get())).items; }
const again = () => refresh();
$effect(() => { void again(); });
</script>`;
    expect(selfStartedReads(source)).toEqual(["$effect reads the API"]);
    expect(selfStartedReads(source.replace("$effect(() => { void again(); });", ""))).toEqual([]);
    expect(selfStartedReads(source.replace("$effect(() => { void again(); });", "void refresh();"))).toEqual([
      "the script's top level reads the API",
    ]);
  });

  it("does not count a read done on a click", () => {
    const source = `<script lang="ts">
import { api, call } from "$lib/api";
let saved = $state(false);
async function save() { await call(api.things.$post({ json: {} })); saved = true; }
$effect(() => { if (saved) document.title = "Saved"; });
</script>
<button onclick={save}>Save</button>`;
    expect(selfStartedReads(source)).toEqual([]);
  });
});
