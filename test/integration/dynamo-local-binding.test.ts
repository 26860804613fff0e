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
