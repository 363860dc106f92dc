import { appVersion } from "../config";
import type { Deps } from "../deps";

const startedAt = Date.now();

export interface Health {
  status: "ok" | "degraded";
  database: { ok: boolean; latencyMs: number | null; error?: string };
  uptimeSeconds: number;
  version: string;
}

/** What load balancers and the overview page see: is the database answering, and how fast. */
export async function checkHealth(deps: Pick<Deps, "db">): Promise<Health> {
  const t0 = performance.now();
  let database: Health["database"];
  try {
    await deps.db.pool.query("select 1");
    database = { ok: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    database = { ok: false, latencyMs: null, error: (err as Error).message };
  }
  return {
    status: database.ok ? "ok" : "degraded",
    database,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    version: appVersion,
  };
}
