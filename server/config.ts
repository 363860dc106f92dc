import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const appVersion: string = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")).version;

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: port.default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  FORESIGHT_DATA_DIR: z.string().min(1).default(path.join(repoRoot, ".foresight")),
  FORESIGHT_PG_PORT: port.default(54329),
  FORESIGHT_ADMIN_EMAIL: z.email().optional(),
  FORESIGHT_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  FORESIGHT_WRITE_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  FORESIGHT_SECRET_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  FORESIGHT_DEMO_DATA: bool.default(true),
  /** Collect Foresight's own metrics (request histograms, capture counters, the 10 s sampler). */
  FORESIGHT_METRICS: bool.default(true),
  FORESIGHT_SECURE_COOKIES: bool.optional(),
  FORESIGHT_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** HTTP processes sharing the port (node:cluster); capture is CPU-bound in Node, so use the cores. */
  FORESIGHT_WEB_PROCESSES: z.coerce.number().int().min(1).max(32).default(1),
  /** Connections each web process's ingest writer keeps transactions open on (group commit). */
  FORESIGHT_INGEST_CONNECTIONS: z.coerce.number().int().min(1).max(32).default(3),
  FORESIGHT_LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  /** Bearer token accepted by GET /metrics besides project secret keys. */
  FORESIGHT_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Default SMTP server for email channels without their own, e.g. smtp://user:pass@host:587. */
  FORESIGHT_SMTP_URL: z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional(),
  FORESIGHT_SMTP_FROM: z.string().min(3).default("Foresight <foresight@localhost>"),
  SENTRY_DSN: z.url().optional(),
  SENTRY_ENVIRONMENT: z.string().optional(),
  /** DSN the browser app reports to (Sentry DSNs are public by design); SENTRY_DSN when unset. */
  SENTRY_BROWSER_DSN: z.url().optional(),
  /** Link for an error row's Sentry event, with {eventId} and {projectId} (the DSN's) placeholders. */
  FORESIGHT_SENTRY_WEB_URL: z.url().refine((u) => u.includes("{eventId}"), "must contain {eventId}").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration: ${issues.join("; ")}`);
  }
}

/** Reads the environment once; empty strings count as unset so `FOO= npm start` works. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? "environment");
        const value = env[name];
        const shown = value === undefined || /PASSWORD|SECRET|KEY|DSN|TOKEN|SMTP_URL/.test(name) ? "" : ` (got "${value}")`;
        return `${name}: ${i.message}${shown}`;
      }),
    );
  }
  return parsed.data;
}
