import { appVersion } from "../config";
import type { Deps } from "../deps";
import { dbQueryDuration } from "./metrics";

const startedAt = Date.now();

export interface Health {
  status: "ok" | "degraded";
  database: { ok: boolean; latencyMs: number | null };
  uptimeSeconds: number;
  version: string;
}

/** What load balancers and the overview page see: is the database answering, and how fast. */
export async function checkHealth(deps: Pick<Deps, "db" | "logger">): Promise<Health> {
  const t0 = performance.now();
  let database: Health["database"];
  try {
    await deps.db.pool.query("select 1");
    dbQueryDuration.observe({ query: "health" }, (performance.now() - t0) / 1000);
    database = { ok: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    // Public endpoint: the reason goes to the logs, not to whoever asks.
    deps.logger.warn({ err }, "health check: database unreachable");
    database = { ok: false, latencyMs: null };
  }
  return {
    status: database.ok ? "ok" : "degraded",
    database,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    version: appVersion,
  };
}
