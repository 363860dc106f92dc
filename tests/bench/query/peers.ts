import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FUNNEL_STEPS, RETENTION_PERIODS, type Answer, type Question, type Range } from "./questions";

/**
 * The peer engines, in this process: DuckDB (@duckdb/node-api) and ClickHouse's engine (chdb).
 * Both live in tests/bench/node_modules (tests/bench/package.json), installed by run.mjs only
 * when the benchmark runs, so the root install and the typecheck never need them: they are
 * imported by a computed name and typed here with the few calls used.
 */

interface DuckReader {
  getRows(): unknown[][];
}
interface DuckConnection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<DuckReader>;
  closeSync?(): void;
}
interface DuckInstance {
  connect(): Promise<DuckConnection>;
  closeSync?(): void;
}
interface DuckModule {
  DuckDBInstance: { create(path?: string, options?: Record<string, string>): Promise<DuckInstance> };
  version?(): string;
}
interface ChdbSession {
  query(sql: string, format?: string): string;
  close(): void;
}
interface ChdbModule {
  Session: new (dir?: string) => ChdbSession;
}

const DUCKDB_PACKAGE = "@duckdb/node-api";
const CHDB_PACKAGE = "chdb";

export interface PeerEngine {
  name: string;
  version: string;
  /** What the table is and how it was loaded, for the output. */
  layout: string;
  /** Seconds per load phase. */
  load(file: string): Promise<Record<string, number>>;
  run(q: Question, range: Range): Promise<Answer>;
  close(): Promise<void>;
}

/** Column list of the events file (FILE_COLUMNS) with each engine's type. `timestamp` is `ts` in the peers. */
const COLUMNS: Array<[string, string, string]> = [
  // name, DuckDB type, ClickHouse type
  ["project_id", "UUID", "UUID"],
  ["uuid", "UUID", "UUID"],
  ["event", "VARCHAR", "LowCardinality(String)"],
  ["ts", "TIMESTAMP_MS", "DateTime64(3, 'UTC')"],
  ["distinct_id", "VARCHAR", "String"],
  ["person_id", "UUID", "UUID"],
  ["session_id", "VARCHAR", "String"],
  ["url", "VARCHAR", "String"],
  ["host", "VARCHAR", "LowCardinality(String)"],
  ["pathname", "VARCHAR", "String"],
  ["referrer", "VARCHAR", "String"],
  ["referring_domain", "VARCHAR", "LowCardinality(String)"],
  ["device", "VARCHAR", "LowCardinality(String)"],
  ["browser", "VARCHAR", "LowCardinality(String)"],
  ["browser_version", "VARCHAR", "LowCardinality(String)"],
  ["os", "VARCHAR", "LowCardinality(String)"],
  ["os_version", "VARCHAR", "LowCardinality(Nullable(String))"],
  ["country", "VARCHAR", "LowCardinality(String)"],
  ["city", "VARCHAR", "Nullable(String)"],
  ["utm_source", "VARCHAR", "Nullable(String)"],
  ["utm_medium", "VARCHAR", "Nullable(String)"],
  ["utm_campaign", "VARCHAR", "Nullable(String)"],
  ["utm_term", "VARCHAR", "Nullable(String)"],
  ["utm_content", "VARCHAR", "Nullable(String)"],
  ["revenue", "DECIMAL(18,4)", "Nullable(Decimal(18, 4))"],
  ["ip", "VARCHAR", "Nullable(String)"],
  ["properties", "VARCHAR", "String"],
  ["inserted_at", "TIMESTAMP_MS", "DateTime64(3, 'UTC')"],
];

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** 'YYYY-MM-DD hh:mm:ss.sss' (UTC) of an epoch-ms bound. */
const at = (ms: number) => lit(new Date(ms).toISOString().slice(0, 23).replace("T", " "));

// ---- DuckDB ---------------------------------------------------------------------------------

export async function openDuckDb(): Promise<PeerEngine> {
  const mod = (await import(DUCKDB_PACKAGE)) as DuckModule;
  const instance = await mod.DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  const rows = async (sql: string) => (await con.runAndReadAll(sql)).getRows();
  const version = String((await rows("select version()"))[0]![0]);
  return {
    name: "DuckDB",
    version,
    layout: "in-memory table in time order, loaded by read_csv from the events file",
    async load(file) {
      const t = performance.now();
      const cols = COLUMNS.map(([n, duck]) => `${lit(n)}: ${lit(duck)}`).join(", ");
      await con.run(
        `create table events as select * from read_csv(${lit(file)}, delim = '\t', header = false, quote = '', escape = '', ` +
          `nullstr = '\\N', auto_detect = false, columns = {${cols}})`,
      );
      return { load: (performance.now() - t) / 1000 };
    },
    async run(q, range) {
      const where = `ts >= ${at(range.from)} and ts < ${at(range.to)}`;
      switch (q) {
        case "daily_uniques_by_country": {
          const r = await rows(
            `select strftime(ts::date, '%Y-%m-%d') as d, country, count(distinct person_id)::integer as n from events where ${where} group by all`,
          );
          return new Map(r.map(([d, c, n]) => [`${d as string}|${c as string}`, Number(n)]));
        }
        case "daily_uniques": {
          const r = await rows(`select strftime(ts::date, '%Y-%m-%d') as d, count(distinct person_id)::integer as n from events where ${where} group by all`);
          return new Map(r.map(([d, n]) => [String(d), Number(n)]));
        }
        case "funnel": {
          // For each first-step event, the earliest event of each next step after the previous one
          // (ASOF joins); a start reaches step k when that chain's k-th event is within one day
          // (inclusive) of the start. A person's level is the best over their starts.
          const step = (i: number) => `s${i} as (select person_id, ts from events where event = ${lit(FUNNEL_STEPS[i]!)} and ${where})`;
          const r = await rows(`
            with ${FUNNEL_STEPS.map((_, i) => step(i)).join(", ")},
            c1 as (select s0.person_id, s0.ts as t0, s1.ts as t1 from s0 asof left join s1 on s0.person_id = s1.person_id and s0.ts < s1.ts),
            c2 as (select c1.*, s2.ts as t2 from c1 asof left join s2 on c1.person_id = s2.person_id and c1.t1 < s2.ts),
            c3 as (select c2.*, s3.ts as t3 from c2 asof left join s3 on c2.person_id = s3.person_id and c2.t2 < s3.ts),
            levels as (
              select person_id, max(case
                when t1 is null or t1 > t0 + interval 1 day then 1
                when t2 is null or t2 > t0 + interval 1 day then 2
                when t3 is null or t3 > t0 + interval 1 day then 3
                else 4 end) as level
              from c3 group by person_id)
            select level, count(*)::integer from levels group by level`);
          return funnelAnswer(r.map(([l, n]) => [Number(l), Number(n)]));
        }
        case "retention": {
          const r = await rows(`
            with pw as (select distinct person_id, date_trunc('week', ts)::date as w from events where ${where}),
            f as (select person_id, min(w) as fw from pw group by person_id)
            select strftime(fw, '%Y-%m-%d') as cohort, (datediff('day', fw, w) // 7)::integer as k, count(*)::integer as n
            from pw join f using (person_id) where datediff('day', fw, w) // 7 <= ${RETENTION_PERIODS} group by all`);
          return new Map(r.map(([c, k, n]) => [`${c as string}|${Number(k)}`, Number(n)]));
        }
      }
    },
    async close() {
      con.closeSync?.();
      instance.closeSync?.();
    },
  };
}

// ---- chdb ----------------------------------------------------------------------------------

export async function openChdb(): Promise<PeerEngine> {
  const mod = (await import(CHDB_PACKAGE)) as ChdbModule;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-query-bench-chdb-"));
  const session = new mod.Session(dir);
  const tsv = (sql: string): string[][] =>
    session
      .query(sql, "TSV")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split("\t"));
  const version = tsv("select version()")[0]![0]!;
  return {
    name: "chdb",
    version: `ClickHouse ${version}`,
    layout: "MergeTree ORDER BY (event, ts), loaded by INSERT ... SELECT FROM file(TSV), then OPTIMIZE FINAL",
    async load(file) {
      let t = performance.now();
      session.query(`create table events (${COLUMNS.map(([n, , ch]) => `${n} ${ch}`).join(", ")}) engine = MergeTree order by (event, ts)`);
      const structure = COLUMNS.map(([n, , ch]) => `${n} ${ch}`).join(", ");
      session.query(`insert into events select * from file(${lit(file)}, 'TSV', ${lit(structure)})`);
      const load = (performance.now() - t) / 1000;
      t = performance.now();
      session.query(`optimize table events final`);
      return { load, optimize: (performance.now() - t) / 1000 };
    },
    async run(q, range) {
      const where = `ts >= ${at(range.from)} and ts < ${at(range.to)}`;
      switch (q) {
        case "daily_uniques_by_country": {
          const r = tsv(`select toString(toDate(ts)) as d, country, uniqExact(person_id) from events where ${where} group by d, country`);
          return new Map(r.map(([d, c, n]) => [`${d}|${c}`, Number(n)]));
        }
        case "daily_uniques": {
          const r = tsv(`select toString(toDate(ts)) as d, uniqExact(person_id) from events where ${where} group by d`);
          return new Map(r.map(([d, n]) => [d!, Number(n)]));
        }
        case "funnel": {
          const conds = FUNNEL_STEPS.map((s) => `event = ${lit(s)}`).join(", ");
          const r = tsv(`
            select level, count() from (
              select person_id, windowFunnel(86400000)(toUInt64(toUnixTimestamp64Milli(ts)), ${conds}) as level
              from events where event in (${FUNNEL_STEPS.map(lit).join(", ")}) and ${where} group by person_id)
            group by level`);
          return funnelAnswer(r.map(([l, n]) => [Number(l), Number(n)]));
        }
        case "retention": {
          const conds = Array.from({ length: RETENTION_PERIODS + 1 }, (_, k) => `w = fw + ${7 * k}`).join(", ");
          const r = tsv(`
            select toString(fw), sumForEach(r) from (
              select person_id, fw, retention(${conds}) as r
              from (select person_id, toMonday(ts) as w from events where ${where}) as e
              inner join (select person_id, min(toMonday(ts)) as fw from events where ${where} group by person_id) as f using (person_id)
              group by person_id, fw)
            group by fw`);
          const out: Answer = new Map();
          for (const [cohort, counts] of r) (JSON.parse(counts!) as number[]).forEach((n, k) => out.set(`${cohort}|${k}`, n));
          return out;
        }
      }
    },
    async close() {
      session.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Persons reaching each step from a (level, persons) histogram. */
export function funnelAnswer(levels: Array<[number, number]>): Answer {
  const out: Answer = new Map();
  FUNNEL_STEPS.forEach((s, i) => out.set(`step ${i + 1} ${s}`, levels.filter(([l]) => l >= i + 1).reduce((a, [, n]) => a + n, 0)));
  return out;
}
