import { createServer, type IncomingMessage } from "node:http";

/** What the fake answers a well-formed, authorised call: the secret, or one of the failures. */
export type ExtensionMode = "serve" | 400 | 500 | "malformed" | "binary" | "hang";

/**
 * A local stand-in for the AWS Parameters and Secrets Lambda Extension: GET
 * /secretsmanager/get?secretId=… with the X-Aws-Parameters-Secrets-Token header answers
 * GetSecretValue's JSON; a missing or wrong token gets 401, as the real extension answers. It
 * also serves `jwks` at /jwks.json, standing in for Cognito's key set in handler tests.
 */
export async function fakeSecretsExtension(options: {
  token: string;
  secrets: Record<string, string>;
  jwks?: unknown;
}) {
  let mode: ExtensionMode = "serve";
  const calls: { secretId: string | null; token: string | undefined }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const send = (status: number, body: string, type = "application/json") => {
      response.writeHead(status, { "content-type": type });
      response.end(body);
    };
    if (url.pathname === "/jwks.json") return send(200, JSON.stringify(options.jwks ?? { keys: [] }));
    if (url.pathname !== "/secretsmanager/get") return send(404, "not found", "text/plain");
    const token = request.headers["x-aws-parameters-secrets-token"];
    const secretId = url.searchParams.get("secretId");
    calls.push({ secretId, token: typeof token === "string" ? token : undefined });
    if (token !== options.token) return send(401, "Unauthorized", "text/plain");
    if (mode === "hang") return; // never answers: the caller's timeout must end it
    if (typeof mode === "number") return send(mode, `failure ${mode}`, "text/plain");
    if (mode === "malformed") return send(200, '{"SecretString": "cut');
    const value = secretId ? options.secrets[secretId] : undefined;
    if (value === undefined)
      return send(
        400,
        "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
        "text/plain",
      );
    const name = secretId!.split(":").at(-1);
    const secret = mode === "binary" ? { SecretBinary: "AAAA" } : { SecretString: value };
    return send(
      200,
      JSON.stringify({
        ARN: secretId,
        Name: name,
        VersionId: "v1",
        VersionStages: ["AWSCURRENT"],
        ...secret,
      }),
    );
  });
  await new Promise<void>((done) => server.listen(0, "localhost", done));
  const { port } = server.address() as { port: number };
  return {
    port,
    calls,
    setMode: (next: ExtensionMode) => {
      mode = next;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
