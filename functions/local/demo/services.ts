import { createLocalIssuer, type LocalIssuer } from "../../auth/local-issuer.js";
import type { Db } from "../../db/client.js";
import { jsonLogger } from "../../lib/logger.js";
import { createServices, type Services } from "../../services.js";
import { selectThemeEngine } from "../../themes/select.js";
import { inProcessThemeRuns } from "../../workers/theme-run.js";
import { loadOrCreateSecrets } from "../secrets.js";

/**
 * The services the demo loaders (`npm run demo`, `npm run demo:issue9`) drive the API with: the
 * data folder's own secrets and local issuer, as `npm start` uses them, so what they load is
 * readable afterwards; themes run in process; only problems reach the terminal.
 */
export async function demoServices(
  db: Db,
  dataDir: string,
  baseUrl: string,
): Promise<{ services: Services; issuer: LocalIssuer }> {
  const secrets = await loadOrCreateSecrets(dataDir);
  const issuer = await createLocalIssuer(secrets.signingKey, `${baseUrl}/local-issuer`);
  const services = createServices({
    db,
    verifier: { keys: issuer.verifierKeys(), issuer: issuer.issuer, audience: issuer.audience },
    authorKeySecret: secrets.authorKeySecret,
    localIssuer: issuer,
    logger: { ...jsonLogger((line) => process.stderr.write(`${line}\n`)), info: () => {} },
    themeEngine: selectThemeEngine(process.env),
    queue: inProcessThemeRuns,
  });
  return { services, issuer };
}
