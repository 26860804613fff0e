import type { LogItem } from "@aws-lambda-powertools/logger";
import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";

/**
 * Structured log lines through Powertools for AWS Lambda's Logger, in both places: in Lambda with
 * its request id and X-Ray trace id, on the embedded default as the same JSON on stdout.
 * DESIGN §3.1: no line may link a person to a thought, so request logs carry the route pattern
 * (never the concrete path with ids) and never the caller; the Lambda event is never logged
 * (POWERTOOLS_LOGGER_LOG_EVENT=false in infra/constructs/node-lambda.ts), and the fields callers
 * pass are flat scalars: ids, counts, error names.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A Powertools logger whose finished lines go to `write` instead of its own console. */
class LineLogger extends PowertoolsLogger {
  constructor(
    private readonly write: (line: string) => void,
    serviceName: string,
  ) {
    super({ serviceName });
  }

  protected override printLog(_level: number, log: LogItem): void {
    log.prepareForPrint();
    this.write(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

/** Only the fields' own keys: `undefined` values are dropped, nothing is nested. */
const extra = (fields: LogFields) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/**
 * The logger every entry point uses. Without `write` lines go where Powertools sends them
 * (stdout, which Lambda ships to CloudWatch Logs); with it, to that function (tests, tools).
 */
export function jsonLogger(write?: (line: string) => void): Logger {
  // POWERTOOLS_SERVICE_NAME names the function in AWS; locally it is the one server.
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "groundswell";
  const logger = write ? new LineLogger(write, serviceName) : new PowertoolsLogger({ serviceName });
  return {
    info: (message, fields = {}) => logger.info(message, extra(fields)),
    warn: (message, fields = {}) => logger.warn(message, extra(fields)),
    error: (message, fields = {}) => logger.error(message, extra(fields)),
  };
}

/** Collects lines in memory: tests read them back to check what was logged. */
export function memoryLogger(lines: string[] = []): Logger & { lines: string[] } {
  return { ...jsonLogger((line) => lines.push(line)), lines };
}
