/**
 * `npx tsx tests/bench/ml/price-latency.ts [--calls N] [--days D] [--persons P]`: latency of
 * ml.priceForecast on demo data, beside references measured in the same run, alternating in
 * blocks of 100 calls so both see the same background load on a shared machine:
 *
 *   in-process   the tRPC caller (session + project resolution, zod input, forecast, recording)
 *                vs a no-work viewerProcedure built with the same builders (the floor: session
 *                and project look-ups); plus the forecaster alone (no tRPC, no I/O).
 *   over HTTP    the typed client's request to /api/trpc/ml.priceForecast vs auth.me (a public
 *                procedure: the session look-up only), and POST /api/ml/price-forecast (secret
 *                key) vs the same endpoint refused with 400 after the key check and JSON parse.
 *
 * Starts an embedded PostgreSQL in a temp dir, loads the demo through the ingest pipeline, trains
 * the model once (the first call), then measures warm calls with random routes from the data,
 * departure 0-120 days out, cabins by the demo's mix. Also this process's CPU per call (client and,
 * over HTTP, server together; PostgreSQL's not included), which the machine's load disturbs less
 * than wall time. Nothing is asserted: figures for BENCHMARKS.md.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import { storeApiKey } from "../../../server/auth/api-keys";
import { createSession } from "../../../server/auth/sessions";
import { createUser } from "../../../server/auth/users";
import { firstRun } from "../../../server/bootstrap/first-run";
import { loadDemoData } from "../../../server/bootstrap/demo-data";
import { loadConfig } from "../../../server/config";
import { connectDatabase } from "../../../server/db/client";
import { freePort, startEmbeddedPostgres } from "../../../server/db/embedded";
import { withDatabase } from "../../../server/db/ensure-database";
import { deployMigrations } from "../../../server/db/migrations";
import { createDeps } from "../../../server/deps";
import { createHttpApp, listen } from "../../../server/http";
import { ensureEventPartitions } from "../../../server/ingest/partitions";
import { createCaptureService, wireCaptureHooks } from "../../../server/ingest/service";
import { createLogger } from "../../../server/logger";
import { mlServices } from "../../../server/ml/services";
import { createContext } from "../../../server/trpc/context";
import { createCallerFactory, router, viewerProcedure } from "../../../server/trpc/init";
import { createCaller, type AppRouter } from "../../../server/trpc/root";
import { fmt, table } from "../support/table";

const { values } = parseArgs({ options: { calls: { type: "string", default: "3000" }, days: { type: "string", default: "90" }, persons: { type: "string", default: "1000" } } });
const CALLS = Number(values.calls);
const say = (s: string) => console.error(`[price-bench] ${s}`);

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "price-bench-"));
const logger = createLogger("warn");
const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: await freePort(), logger });
const admin = new pg.Client({ connectionString: embedded.url });
await admin.connect();
await admin.query("create database price_bench");
await admin.end();
const url = withDatabase(embedded.url, "price_bench");
await deployMigrations(url);
const config = loadConfig({ NODE_ENV: "production", LOG_LEVEL: "warn", FORESIGHT_DEMO_DATA: "false", DATABASE_URL: url });
const db = connectDatabase(url, { max: 10 });
await ensureEventPartitions(db.pool);
const deps = createDeps(config, db, logger);
await firstRun(db.prisma, config);
const capture = await createCaptureService(deps, { spoolDir: path.join(dir, "spool") });
wireCaptureHooks(deps, capture);
const web = await listen(await createHttpApp(deps, { capture }), 0, "127.0.0.1");

say(`loading demo data (${values.days} days, ${values.persons} persons)...`);
const demo = await loadDemoData(deps, capture, { seed: 42, days: Number(values.days), persons: Number(values.persons) });
const projectId = demo.project.id;
const { user } = await createUser(db.prisma, { email: "bench@bench.local", name: "bench", role: "viewer", password: "bench-password-123" });
const { token } = await createSession(db.prisma, user.id, {});
const cookie = `fs_session=${encodeURIComponent(token)}`;
const secret = (await storeApiKey(db.prisma, { projectId, kind: "secret", name: "bench" })).key;
const context = () => createContext(deps, { headers: new Headers({ cookie }), ip: "127.0.0.1" });
const caller = createCaller(context);
const noop = createCallerFactory(router({ noop: viewerProcedure.query(() => null) }))(context);
const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${web.url}/api/trpc`, transformer: superjson, headers: { cookie } })] });

say("first call (trains the model on demand)...");
const t0 = performance.now();
const model = await caller.ml.priceModel();
say(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${model.active!.catalog.length} routes, MASE ${model.active!.metrics.mase.toFixed(3)}`);
const routes = model.active!.catalog;
const searches = routes.reduce((s, r) => s + r.searches, 0);

let seed = 99;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const cabins = [["economy", 0.82], ["premium_economy", 0.09], ["business", 0.07], ["first", 0.02]] as const;
function query() {
  const r = routes[Math.floor(rand() * routes.length)]!;
  let u = rand();
  const cabin = cabins.find(([, w]) => (u -= w) < 0)?.[0] ?? "economy";
  return { origin: r.origin, destination: r.destination, departDate: new Date(today + Math.floor(rand() * 121) * DAY).toISOString().slice(0, 10), cabinClass: cabin };
}

const rest = (body: unknown) =>
  fetch(`${web.url}/api/ml/price-forecast`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${secret}` }, body: JSON.stringify(body) }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });

type Case = { name: string; run: () => Promise<unknown> };
const forecaster = await mlServices(deps).price.forecaster(projectId);
const dayNow = Math.floor(Date.now() / DAY);
const fixed = query();
const pairs: [Case, Case][] = [
  [
    { name: "in-process: ml.priceForecast (caller)", run: () => caller.ml.priceForecast(query()) },
    { name: "in-process: no-work viewer procedure", run: () => noop.noop() },
  ],
  [
    { name: "in-process: one query repeated (recorded once)", run: () => caller.ml.priceForecast(fixed) },
    { name: "in-process: no-work viewer procedure", run: () => noop.noop() },
  ],
  [
    { name: "HTTP tRPC: ml.priceForecast", run: () => client.ml.priceForecast.query(query()) },
    { name: "HTTP tRPC: auth.me (session only)", run: () => client.auth.me.query() },
  ],
  [
    { name: "HTTP REST: POST /api/ml/price-forecast", run: async () => { if ((await rest(query())) !== 200) throw new Error("REST failed"); } },
    { name: "HTTP REST: same, refused 400 after key", run: async () => { if ((await rest({ origin: "x" })) !== 400) throw new Error("expected 400"); } },
  ],
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const rows: (string | number)[][] = [];
for (const pair of pairs) {
  const lat = pair.map(() => [] as number[]);
  const cpu = pair.map(() => 0);
  for (const c of pair) for (let i = 0; i < 100; i++) await c.run(); // warm-up
  for (let block = 0; block < CALLS / 100; block++) {
    for (const [k, c] of pair.entries()) {
      const before = process.cpuUsage();
      for (let i = 0; i < 100; i++) {
        const s = performance.now();
        await c.run();
        lat[k]!.push(performance.now() - s);
      }
      const used = process.cpuUsage(before);
      cpu[k]! += (used.user + used.system) / 1000;
    }
  }
  pair.forEach((c, k) => rows.push([c.name, lat[k]!.length, fmt.fixed(pct(lat[k]!, 50), 2), fmt.fixed(pct(lat[k]!, 95), 2), fmt.fixed(pct(lat[k]!, 99), 2), fmt.fixed(cpu[k]! / lat[k]!.length, 2)]));
}
const alone: number[] = [];
const aloneCpu = process.cpuUsage();
for (let i = 0; i < CALLS; i++) {
  const q = query();
  const s = performance.now();
  forecaster.forecast(q, dayNow);
  alone.push(performance.now() - s);
}
const aloneUsed = process.cpuUsage(aloneCpu);
rows.push(["forecaster alone (no tRPC, no I/O)", alone.length, fmt.fixed(pct(alone, 50), 3), fmt.fixed(pct(alone, 95), 3), fmt.fixed(pct(alone, 99), 3), fmt.fixed((aloneUsed.user + aloneUsed.system) / 1000 / alone.length, 3)]);

await mlServices(deps).price.flush();
const recorded = (await db.pool.query(`select count(*)::int as n from predictions where kind = 'price'`)).rows[0].n;
console.log(`\nml.priceForecast latency, ms (demo ${values.days} days x ${values.persons} persons: ${searches} priced searches, ${routes.length} routes; model v${model.active!.version}, ${model.active!.routeModels} route / ${model.active!.airportModels} airport models; ${os.loadavg()[0]!.toFixed(2)} load average at the end)`);
console.log(table(["case", "calls", "p50", "p95", "p99", "node CPU ms/call"], rows));
console.log(`(${recorded} prediction rows recorded in the background)`);

await web.close();
await capture.close();
await db.close();
await embedded.stop();
await fs.rm(dir, { recursive: true, force: true });
