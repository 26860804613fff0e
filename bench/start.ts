/**
 * `npm run bench:start`: how long `npm start` takes to serve its first page, on a fresh clone and
 * again on a second start. Prints figures, asserts nothing. The clone is a `git clone` of this
 * checkout's HEAD into a temporary folder sharing this checkout's node_modules (so `npm ci` is not
 * timed), with its own empty DynamoDB Local launcher cache: the first start compiles the launcher,
 * builds the web app, creates the table and seeds the directory, as after `npm ci` on a new machine.
 * Done-when (issue 11): first start ≤ 15 s, second ≤ 5 s on a quiet 2-core machine.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../functions/local/dynamo-local.js";

const repo = resolve(".");
const gnuTime = existsSync("/usr/bin/time") && process.platform === "linux";
const clone = mkdtempSync(join(tmpdir(), "groundswell-start-"));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

async function timeStart(label: string) {
  const port = await freePort();
  const loadBefore = load();
  const started = performance.now();
  // GNU time reports the CPU of the whole tree (npm, tsx, the web build, DynamoDB Local): a figure
  // that contention on a shared machine inflates far less than the wall time.
  const [command, args] = gnuTime
    ? ["/usr/bin/time", ["-f", "cpu %U %S", "npm", "start"]]
    : ["npm", ["start"]];
  const child = spawn(command, args, {
    cwd: clone,
    detached: true, // its own process group, so the whole tree stops with it
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      GROUNDSWELL_DATA_DIR: join(clone, ".data"),
      GROUNDSWELL_CACHE_DIR: join(clone, ".cache"),
      SCHEDULER_INTERVAL_SECONDS: "3600",
    },
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c));
  child.stderr.on("data", (c: Buffer) => (output += c));
  let exited = false;
  // Listened for from the spawn: a start that fails at once must still end the wait below.
  const stopped = new Promise((r) => child.once("exit", r));
  child.once("exit", () => (exited = true));
  let ms = Number.NaN;
  while (!exited && performance.now() - started < 300_000) {
    try {
      const reply = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
      if (reply.status === 200 && (await reply.text()).includes("<html")) {
        ms = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!exited) process.kill(-child.pid!, "SIGINT");
  await stopped;
  if (Number.isNaN(ms)) throw new Error(`${label}: no page within 300 s.\n${output.slice(-4000)}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(output);
  return {
    start: label,
    "s to first 200 on /": Number((ms / 1000).toFixed(1)),
    "CPU s (whole tree, to stop)": cpu ? Number((Number(cpu[1]) + Number(cpu[2])).toFixed(1)) : "n/a",
    "web build": output.includes("Built the web app") ? "built" : "skipped",
    "load avg before (1/5/15 min)": loadBefore,
  };
}

try {
  execFileSync("git", ["clone", "--quiet", "--local", "--no-hardlinks", repo, clone]);
  symlinkSync(join(repo, "node_modules"), join(clone, "node_modules"));
  const rows = [await timeStart("first (fresh clone)"), await timeStart("second")];
  console.log(`\nnpm start until the first page (done-when: first ≤ 15 s, second ≤ 5 s on a quiet machine)`);
  console.table(rows);
} finally {
  rmSync(clone, { recursive: true, force: true });
}
