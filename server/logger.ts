import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout; `LOG_LEVEL` sets the level. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service: "foresight" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ["password", "*.password", "req.headers.cookie", "req.headers.authorization"],
  });
}
