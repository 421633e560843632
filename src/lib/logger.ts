// Structured JSON logs (pino). Rule: log ids and codes, never personal values — a test scans the
// output of an end-to-end run for the personal values it used.
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(
  level: string = process.env.LOG_LEVEL ?? "info",
  name = "anlauf",
  /** where the JSON lines go (default stdout); tests pass a buffer to scan it */
  destination?: NodeJS.WritableStream,
): Logger {
  const options = {
    name,
    level,
    base: { pid: process.pid },
    // a second line of defence: the rule is ids only, but a field with one of these names is never printed
    redact: { paths: ["*.token", "*.secret", "*.text", "*.body", "*.displayName"], censor: "[redacted]" },
  };
  return destination ? pino(options, destination as never) : pino(options);
}

/** A logger that drops everything: for unit tests and tools that print their own output. */
export const silentLogger: Logger = pino({ level: "silent" });
