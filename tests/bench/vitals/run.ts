/**
 * Web vitals queries at size: N synthetic `$web_vitals` events (5 metrics each, 200 page paths,
 * 3 devices, 28 days) beside M other events in one project. Times `pageVitals` (p75 + shares per
 * page x device, grouping sets) and `vitalsTrend` (daily p75), each against two references
 * measured in the same run: a plain `count(*)` over the same rows (the floor: finding the rows)
 * and the obvious alternative, reading the five values into Node and computing p75 there.
 * Nothing is asserted on time; medians of R warm runs are printed.
 *
 *   npx tsx tests/bench/vitals/run.ts [--vitals N] [--other M] [--rounds R]
 *
 * Uses DATABASE_URL's server when set, else an embedded PostgreSQL it starts and removes.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../../server/db/embedded";
import { withDatabase } from "../../../server/db/ensure-database";
import { deployMigrations } from "../../../server/db/migrations";
import { ensureEventPartitions } from "../../../server/ingest/partitions";
import { createLogger } from "../../../server/logger";
import { pageVitals } from "../../../server/vitals/page-vitals";
import { VITALS, WEB_VITALS_EVENT, vitalPropertyKey } from "../../../server/vitals/thresholds";
import { vitalsTrend } from "../../../server/vitals/trend";
import { fmt, table } from "../support/table";

const { values: args } = parseArgs({ options: { vitals: { type: "string", default: "300000" }, other: { type: "string", default: "700000" }, rounds: { type: "string", default: "5" } } });
const N = Number(args.vitals);
const M = Number(args.other);
const ROUNDS = Number(args.rounds);
for (const [k, v] of Object.entries({ vitals: N, other: M, rounds: ROUNDS })) if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

// The migration engine keeps an idle connection of its own; dropping the database (or stopping
// the embedded server) terminates it with 57P01, which is expected here.
process.on("uncaughtException", (err: Error & { code?: string }) => {
  if (err.code === "57P01") return;
  console.error(err);
  process.exit(1);
});

let embedded: EmbeddedPostgresHandle | null = null;
let tmp: string | null = null;
let url = process.env.DATABASE_URL;
if (!url) {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-vitals-bench-"));
  await fs.chmod(tmp, 0o777);
  embedded = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort(), logger: createLogger("warn") });
  url = embedded.url;
}
const dbName = `vitals_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: withDatabase(url, "postgres") });
await admin.connect();
await admin.query(`create database ${dbName}`);
const dbUrl = withDatabase(url, dbName);
await deployMigrations(dbUrl);
const pool = new pg.Pool({ connectionString: dbUrl, max: 6 });
try {
  await ensureEventPartitions(pool);
  const project = randomUUID();
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Bench', $2, 'Europe/London', now())`, [project, `b-${project}`]);
  const tLoad = performance.now();
  // Deterministic data: setseed, then lognormal-ish values per metric (exp of a normal by Box-Muller).
  await pool.query(`select setseed(0.42)`);
  await pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, pathname, device, properties)
     select $1, gen_random_uuid(), $2, now() - random() * interval '28 days', 'd' || (i % 5000), gen_random_uuid(),
            '/page/' || (floor(power(random(), 2) * 200))::int, (array['desktop','mobile','tablet'])[1 + (i % 3)],
            jsonb_build_object(
              $3::text, round(1800 * exp(0.5 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))),
              $4::text, round(150 * exp(0.6 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))),
              $5::text, round((0.05 * exp(0.8 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())))::numeric, 3),
              $6::text, round(1200 * exp(0.4 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))),
              $7::text, round(400 * exp(0.5 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))))
       from generate_series(1, $8::int) as i`,
    [project, WEB_VITALS_EVENT, ...VITALS.map((v) => vitalPropertyKey(v.metric)), N],
  );
  await pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, pathname, device, properties)
     select $1, gen_random_uuid(), '$pageview', now() - random() * interval '28 days', 'd' || (i % 5000), gen_random_uuid(), '/page/' || (i % 200), 'desktop', '{}'::jsonb
       from generate_series(1, $2::int) as i`,
    [project, M],
  );
  await pool.query(`vacuum analyze events`);
  const loadSeconds = (performance.now() - tLoad) / 1000;

  const to = new Date();
  const from = new Date(to.getTime() - 28 * 86_400_000);
  const filter = { projectId: project, from, to };
  const keys = VITALS.map((v) => vitalPropertyKey(v.metric));
  const cases: Record<string, () => Promise<unknown>> = {
    "pageVitals (top 30 pages; page x device, page, device, all)": () => pageVitals(pool, { ...filter, pageLimit: 30 }),
    "vitalsTrend (daily p75 of 5 metrics)": () => vitalsTrend(pool, { ...filter, timeZone: "Europe/London" }),
    "reference: count(*) of the same rows": () =>
      pool.query(`select count(*) from events where project_id = $1 and event = $2 and timestamp >= $3 and timestamp < $4`, [project, WEB_VITALS_EVENT, from, to]),
    "reference: values to Node, p75 per page x device in JS": async () => {
      const { rows } = await pool.query<{ page: string; device: string; v: (number | null)[] }>(
        `select pathname as page, device, array[${keys.map((_, i) => `(properties ->> $${i + 5})::float8`).join(", ")}] as v
           from events where project_id = $1 and event = $2 and timestamp >= $3 and timestamp < $4`,
        [project, WEB_VITALS_EVENT, from, to, ...keys],
      );
      const groups = new Map<string, number[][]>();
      for (const r of rows) {
        const k = `${r.page}|${r.device}`;
        let g = groups.get(k);
        if (!g) groups.set(k, (g = keys.map(() => [])));
        r.v.forEach((x, i) => x !== null && g![i]!.push(x));
      }
      for (const g of groups.values()) for (const xs of g) xs.sort((a, b) => a - b)[Math.floor(0.75 * (xs.length - 1))];
      return groups.size;
    },
  };
  for (const fn of Object.values(cases)) await fn(); // warm-up
  const results: Array<[string, string, string]> = [];
  for (const [name, fn] of Object.entries(cases)) {
    const ms: number[] = [];
    for (let r = 0; r < ROUNDS; r++) ms.push((await timed(fn)).ms);
    results.push([name, fmt.fixed(median(ms), 0), `${fmt.fixed(Math.min(...ms), 0)}-${fmt.fixed(Math.max(...ms), 0)}`]);
  }
  console.log(`\n${fmt.int(N)} $web_vitals events + ${fmt.int(M)} others, 28 days; loaded in ${fmt.fixed(loadSeconds, 1)} s; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  console.log(table(["query", "median ms", "range ms"], results));
} finally {
  await pool.end();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await embedded?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
}
