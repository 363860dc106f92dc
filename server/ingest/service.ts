import path from "node:path";
import type { Deps } from "../deps";
import { ProjectKeyCache } from "./project-keys";
import { CapturePipeline } from "./pipeline";
import { EventRateLimiter } from "./rate-limit";
import { bindQuota, bindSpool } from "../monitoring/metrics";
import { SessionTracker } from "./sessions";
import { Spool } from "./spool";
import { IngestWriter } from "./writer";
import { randomToken } from "../auth/tokens";
import { preloadGeo } from "./enrich/geo";

export interface CaptureService {
  pipeline: CapturePipeline;
  writer: IngestWriter;
  keys: ProjectKeyCache;
  close(): Promise<void>;
}

/** Instance secret for cookieless ids, created once and kept in instance_meta. */
async function cookielessSecret(deps: Deps): Promise<string> {
  const { rows } = await deps.db.pool.query(
    `insert into instance_meta (key, value, updated_at) values ('cookieless_secret', to_jsonb($1::text), now())
     on conflict (key) do update set key = excluded.key returning value #>> '{}' as secret`,
    [randomToken(32)],
  );
  return rows[0].secret;
}

/** Wires the capture pipeline for one web process; `close()` waits for acknowledged writes. */
export async function createCaptureService(deps: Deps, opts: { spoolDir?: string; connections?: number } = {}): Promise<CaptureService> {
  void preloadGeo(); // ~130 MB of DB-IP data, read in the background
  const spool = new Spool(opts.spoolDir ?? path.join(deps.config.FORESIGHT_DATA_DIR, "spool", "main"));
  const writer = new IngestWriter(deps.db.pool, spool, deps.logger.child({ component: "ingest" }), { connections: opts.connections ?? deps.config.FORESIGHT_INGEST_CONNECTIONS });
  const keys = new ProjectKeyCache(deps.db.pool);
  const limiter = new EventRateLimiter();
  bindQuota(() => limiter.usage());
  bindSpool(() => ({ spooling: writer.spooling, ...writer.spoolPending() }));
  const pipeline = new CapturePipeline(keys, limiter, new SessionTracker(), writer, await cookielessSecret(deps));
  return { pipeline, writer, keys, close: () => writer.close() };
}

/** Lets admin actions reach this process's capture caches (erasure, settings changes). */
export function wireCaptureHooks(deps: Deps, capture: CaptureService): void {
  deps.onPersonErased = () => capture.writer.persons.clear();
  deps.onProjectSettingsChanged = () => capture.keys.invalidate();
}
