import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { describe, expect, inject, it } from "vitest";

/** Resolves "open" when a TCP connection is accepted, else the error code (ECONNREFUSED…). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("ETIMEDOUT");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** This machine's addresses that other machines could reach (not loopback, not link-local). */
const reachableAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a !== undefined && !a.internal && !a.address.startsWith("fe80:"))
  .map((a) => a!.address);

describe("DynamoDB Local (started by functions/local/dynamo-local.ts for npm start, tests and benches)", () => {
  const port = Number(new URL(inject("dynamoEndpoint")).port);

  it("answers on the loopback address", async () => {
    expect(await tryConnect("127.0.0.1", port)).toBe("open");
  });

  // Without a network address (an isolated container) there is nothing to probe: say so, do not pass.
  it.skipIf(reachableAddresses.length === 0)(
    `does not answer on this machine's network addresses (${reachableAddresses.join(", ") || "none"})`,
    async () => {
      for (const address of reachableAddresses) {
        expect({ address, result: await tryConnect(address, port) }).toEqual({
          address,
          result: "ECONNREFUSED",
        });
      }
    },
  );
});

describe("DynamoDB Local's lifetime", () => {
  it("ends when the process that started it is killed outright (no orphan JVM)", async () => {
    const { spawn } = await import("node:child_process");
    const script = [
      'const { startDynamoLocal } = await import("./functions/local/dynamo-local.ts");',
      "const db = await startDynamoLocal();",
      'console.log("pid " + db.pid);',
      "setInterval(() => {}, 1000);",
    ].join("\n");
    const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const jvm = await new Promise<number>((resolve, reject) => {
      let out = "";
      parent.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const found = /pid (\d+)/.exec(out);
        if (found) resolve(Number(found[1]));
      });
      parent.once("exit", (code) =>
        reject(new Error(`the starter exited (${code}) before DynamoDB Local answered`)),
      );
    });
    // A zombie (exited, not yet reaped by whoever inherited it) counts as gone.
    const alive = (pid: number) => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
      } catch {
        return false;
      }
    };
    expect(alive(jvm)).toBe(true);
    parent.kill("SIGKILL");
    // Waits for the JVM to go; the test's own time-out is the bound, nothing here is timed.
    while (alive(jvm)) await new Promise((r) => setTimeout(r, 200));
    expect(alive(jvm)).toBe(false);
  }, 180_000);
});
