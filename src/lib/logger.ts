// Structured JSON logs (pino). Rule: log ids and codes, never personal values — a test scans the
// output of an end-to-end run for the personal values it used.
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? "info", name = "anlauf"): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    redact: { paths: ["*.token", "*.secret", "*.text", "*.body", "*.displayName"], censor: "[redacted]" },
  });
}

/** A logger that drops everything: for unit tests and tools that print their own output. */
export const silentLogger: Logger = pino({ level: "silent" });
