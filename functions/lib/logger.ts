/**
 * Structured log lines. DESIGN §3.1: no line may link a person to a thought, so request logs carry
 * the route pattern (never the concrete path with ids) and never the caller.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const log =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }));
  return { info: log("info"), warn: log("warn"), error: log("error") };
}

/** Collects lines in memory: tests read them back to check what was logged. */
export function memoryLogger(lines: string[] = []): Logger & { lines: string[] } {
  return { ...jsonLogger((line) => lines.push(line)), lines };
}
