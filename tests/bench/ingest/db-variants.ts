import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { EVENT_COLUMNS } from "../../../server/ingest/copy-rows";

/** The benchmark's own connection to the server's database, and the measurements made through it. */
export class BenchDb {
  private constructor(readonly client: pg.Client) {}

  static async connect(url: string): Promise<BenchDb> {
    const client = new pg.Client({ connectionString: url, application_name: "foresight-bench" });
    // The server stops PostgreSQL on Ctrl-C while this connection may still be open: a failed
    // query reports it; an idle connection's 'error' event must not crash the benchmark.
    client.on("error", () => {});
    await client.connect();
    return new BenchDb(client);
  }

  close() {
    return this.client.end();
  }

  async one<T>(sql: string, params: unknown[] = []): Promise<T> {
    return (await this.client.query(sql, params)).rows[0] as T;
  }

  async projectOf(writeKey: string): Promise<{ id: string; ipMode: "keep" | "truncate" | "drop"; rateLimitPerSec: number }> {
    const r = await this.one<{ id: string; ip_mode: "keep" | "truncate" | "drop"; rate_limit_per_sec: number }>(
      `select p.id, p.ip_mode, p.rate_limit_per_sec from projects p join api_keys k on k.project_id = p.id
        where k.key_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex') and k.kind = 'write'`,
      [writeKey],
    );
    if (!r) throw new Error("the write key given to the server was not found in api_keys");
    return { id: r.id, ipMode: r.ip_mode, rateLimitPerSec: r.rate_limit_per_sec };
  }

  async serverFacts(): Promise<Record<string, string>> {
    const { rows } = await this.client.query(
      `select name, setting || coalesce(unit, '') as value from pg_settings
        where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size', 'full_page_writes')`,
    );
    const facts: Record<string, string> = { version: (await this.one<{ v: string }>("select version() as v")).v.split(" on ")[0]! };
    for (const r of rows as Array<{ name: string; value: string }>) facts[r.name] = r.value;
    return facts;
  }

  /** Empties `events` (all partitions) and starts the next phase from a fresh checkpoint. */
  async resetEvents() {
    await this.client.query("truncate events");
    await this.client.query("checkpoint");
  }

  /** Deadlocks and rollbacks so far in this database (cumulative statistics, flushed with a lag of up to seconds). */
  async aborts(): Promise<{ deadlocks: number; rollbacks: number }> {
    const r = await this.one<{ d: string; r: string }>(
      "select deadlocks::text as d, xact_rollback::text as r from pg_stat_database where datname = current_database()",
    );
    return { deadlocks: Number(r.d), rollbacks: Number(r.r) };
  }

  async walLsn(): Promise<string> {
    return (await this.one<{ lsn: string }>("select pg_current_wal_lsn()::text as lsn")).lsn;
  }

  async walBytesSince(lsn: string): Promise<number> {
    return Number((await this.one<{ b: string }>("select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text as b", [lsn])).b);
  }

  /**
   * Row count, distinct uuids, and a fingerprint of every stored column (order-independent), so
   * two variants can be shown to have stored the same rows. Also counts distinct `inserted_at`
   * values: every row of one transaction shares it, so it approximates the transactions used.
   */
  async contents(): Promise<{ rows: number; distinctUuids: number; fingerprint: string; transactions: number }> {
    const r = await this.one<{ n: number; u: number; fp: string; tx: number }>(
      `select count(*)::int as n, count(distinct (project_id, uuid))::int as u,
              coalesce(sum(hashtext(row(${EVENT_COLUMNS.join(", ")})::text)::bigint), 0)::text as fp,
              count(distinct inserted_at)::int as tx
         from events`,
    );
    return { rows: r.n, distinctUuids: r.u, fingerprint: r.fp, transactions: r.tx };
  }
}

/**
 * (b) One COPY of the already rendered rows, one stream, one transaction, from this process; in
 * text format, or in binary (`chunks` then include the stream's header and trailer).
 */
export async function copyCeiling(db: BenchDb, chunks: Buffer[], format: "text" | "binary" = "text"): Promise<number> {
  const start = performance.now();
  const options = format === "binary" ? " with (format binary)" : "";
  await pipeline(Readable.from(chunks), db.client.query(copyFrom(`copy events (${EVENT_COLUMNS.join(", ")}) from stdin${options}`)));
  return (performance.now() - start) / 1000;
}

/**
 * (c) What a Prisma `create` per event amounts to: one parameterised single-row INSERT per event,
 * one round trip each, each its own (autocommitted) transaction, on one connection.
 */
export async function insertPerEvent(db: BenchDb, rows: unknown[][]): Promise<number> {
  const sql = `insert into events (${EVENT_COLUMNS.join(", ")}) values (${EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`;
  const start = performance.now();
  for (const values of rows) await db.client.query(sql, values);
  return (performance.now() - start) / 1000;
}
