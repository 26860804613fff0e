import { createServer, request as forward, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What DynamoDB answers when a table or the account is over its throughput. */
export type Throttle = "ProvisionedThroughputExceededException" | "ThrottlingException";

const errorTypes: Record<Throttle, string> = {
  ProvisionedThroughputExceededException:
    "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
  ThrottlingException: "com.amazon.coral.availability#ThrottlingException",
};

export interface Attempt {
  readonly operation: string;
  readonly invocation: string;
  readonly attempt: number;
}

/**
 * An HTTP proxy in front of DynamoDB Local that can answer a call the way DynamoDB does when it
 * throttles (HTTP 400, the JSON 1.0 error body), before the call reaches the database. Unlike an
 * error thrown inside the client, this goes through the SDK's own retry strategy, so a test sees
 * what production sees: a retried call that succeeds, or an error after the last attempt.
 * A rule sees each attempt: the operation (`TransactWriteItems`, `Query`…), the SDK's invocation id
 * (the same for every retry of one call) and the attempt number.
 */
export async function startThrottlingProxy(target: string) {
  let decide: (call: Attempt) => Throttle | undefined = () => undefined;
  const seen: (Attempt & { throttled: boolean })[] = [];
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const call: Attempt = {
      operation: String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "",
      invocation: String(req.headers["amz-sdk-invocation-id"] ?? ""),
      attempt: Number(/attempt=(\d+)/.exec(String(req.headers["amz-sdk-request"] ?? ""))?.[1] ?? 1),
    };
    const throttle = decide(call);
    seen.push({ ...call, throttled: throttle !== undefined });
    if (throttle) {
      req.resume();
      const body = JSON.stringify({
        __type: errorTypes[throttle],
        message: "Rate of requests exceeds the allowed throughput.",
      });
      res.writeHead(400, {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": `proxy-${seen.length}`,
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    const out = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Every attempt the SDK made since the last `reset`, throttled or passed on. */
    seen,
    throttle(rule: (call: Attempt) => Throttle | undefined) {
      decide = rule;
    },
    reset() {
      decide = () => undefined;
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
