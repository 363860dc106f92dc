import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../../server/db/embedded";
import { ensureDatabase, withDatabase } from "../../../server/db/ensure-database";
import { deployMigrations } from "../../../server/db/migrations";
import { ensureEventPartitions } from "../../../server/ingest/partitions";
import { createLogger } from "../../../server/logger";
import { EVENTS } from "./dataset";
import { FILE_COLUMNS } from "./events-file";

/**
 * Foresight's own database, as `foresight start` runs it: the embedded PostgreSQL from
 * node_modules with its default settings, in a temp data dir on a free port, migrated by the
 * same migrations, with the monthly `events` partitions ingest creates.
 */
export interface ForesightDb {
  url: string;
  pool: pg.Pool;
  dataDir: string;
  serverPid: number | null;
  stop(): Promise<void>;
}

export async function startForesightDb(opts: { keepData?: boolean } = {}): Promise<ForesightDb> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-query-bench-"));
  let embedded: EmbeddedPostgresHandle | null = null;
  let pool: pg.Pool | null = null;
  const stop = async () => {
    await pool?.end().catch(() => {});
    await embedded?.stop();
    if (!opts.keepData) await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port: await freePort(), logger: createLogger("warn") });
    const url = withDatabase(embedded.url, "foresight");
    await ensureDatabase(url);
    await deployMigrations(url);
    pool = new pg.Pool({ connectionString: url, max: 8 });
    await ensureEventPartitions(pool, { now: new Date() });
    const pidText = await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8").catch(() => "");
    return { url, pool, dataDir, serverPid: Number(pidText.split("\n")[0]) || null, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A project row as the app creates it (UTC timezone), plus the event definitions ingest records. */
export async function createProject(pool: pg.Pool, projectId: string, firstSeen: Date, lastSeen: Date): Promise<void> {
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Query benchmark', 'query-benchmark', 'UTC', now())`, [projectId]);
  for (const name of EVENTS) {
    await pool.query(`insert into event_definitions (project_id, name, first_seen, last_seen) values ($1, $2, $3, $4)`, [projectId, name, firstSeen, lastSeen]);
  }
}

async function copyIn(client: pg.PoolClient, statement: string, source: Readable): Promise<void> {
  await pipeline(source, client.query(copyFrom(statement)));
}

export interface LoadTimes {
  persons: number;
  events: number;
  vacuumAnalyze: number;
}

/**
 * Loads persons, person_distinct_ids and events with COPY (one stream each, one transaction
 * each), then VACUUM ANALYZE (what autovacuum would have done by the time anyone queries a
 * month of data). Seconds per phase.
 */
export async function loadForesight(pool: pg.Pool, input: { persons: string; distinctIds: string; eventsFile: string }): Promise<LoadTimes> {
  const client = await pool.connect();
  try {
    await client.query("set timezone = 'UTC'");
    let t = performance.now();
    await client.query("begin");
    await copyIn(client, "copy persons (id, project_id, properties, is_identified, created_at, updated_at) from stdin", Readable.from([input.persons]));
    await copyIn(client, "copy person_distinct_ids (project_id, distinct_id, person_id, created_at) from stdin", Readable.from([input.distinctIds]));
    await client.query("commit");
    const persons = (performance.now() - t) / 1000;
    t = performance.now();
    await copyIn(client, `copy events (${FILE_COLUMNS.join(", ")}) from stdin`, createReadStream(input.eventsFile, { highWaterMark: 1 << 20 }));
    const events = (performance.now() - t) / 1000;
    t = performance.now();
    await client.query("vacuum (analyze) events");
    await client.query("vacuum (analyze) persons");
    await client.query("vacuum (analyze) person_distinct_ids");
    const vacuumAnalyze = (performance.now() - t) / 1000;
    return { persons, events, vacuumAnalyze };
  } finally {
    client.release();
  }
}
