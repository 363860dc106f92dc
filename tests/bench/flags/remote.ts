/**
 * `npx tsx tests/bench/flags/remote.ts [--seconds N] [--rate R] [--profile]`: latency of remote
 * flag evaluation, POST /api/flags, at a fixed open-loop rate (default 500 requests/s) on
 * loopback, beside the reference measured in the same run against the same server:
 * GET /array/<key>/config, an endpoint of the same express app that does no work (the floor of
 * HTTP + loopback + client). The two alternate in 1-second slices, so both see the same
 * background load on a shared machine.
 *
 * Per endpoint: wall latency percentiles; for /api/flags also the server's own handling time per
 * request (its `Server-Timing: app;dur=` header: from the flags router seeing the request to the
 * answer, PostgreSQL waits included), so queueing outside the handler (other processes holding
 * the cores, the event loop busy with other requests) can be told apart from the endpoint's work;
 * CPU per request of the server's node process and of PostgreSQL; and the CPU the rest of the
 * machine used meanwhile. `--profile` adds a flags-only phase under V8's CPU profiler and prints
 * where the server's node process spends it.
 *
 * `foresight web` runs as a child process with its own embedded PostgreSQL (as the ingest
 * benchmark starts it). Setup: 4 flags (boolean rollout, property rule, multivariate, a cohort
 * rule) and 2,000 stored persons; every request names a stored person (so each one reads the
 * person and their cohort memberships: the one indexed lookup) and sends one property.
 * Latency is measured from each request's scheduled send time, so a stall counts against every
 * request it delays (no coordinated omission). The issue's target: p99 < 10 ms at 500/s.
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { summariseCpuProfile } from "../ingest/profile";
import { cpuSnapshot, cpuSplit } from "../ingest/proc-stats";
import { startForesight } from "../ingest/foresight-process";
import { fmt, table } from "../support/table";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, rate: { type: "string", default: "500" }, profile: { type: "boolean", default: false } } });
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const PERSONS = 2000;

const say = (s: string) => console.error(`[flags-bench] ${s}`);
say("starting foresight web (embedded PostgreSQL in a temp dir)...");
const profileDir = values.profile ? mkdtempSync(path.join(os.tmpdir(), "flags-prof-")) : null;
const fs = await startForesight({ nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [] });
const hrUs = () => Number(process.hrtime.bigint() / 1000n);
let profileWindow: [number, number] = [0, Number.MAX_SAFE_INTEGER];
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const target = new URL(fs.url);

interface Answer {
  status: number;
  /** The server's Server-Timing app duration, ms; NaN when absent. */
  serverMs: number;
}

function request(method: "GET" | "POST", path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method, path, agent, headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {} },
      (res) => {
        const timing = /app;dur=([0-9.]+)/.exec(String(res.headers["server-timing"] ?? ""));
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, serverMs: timing ? Number(timing[1]) : NaN }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Everything measured for one endpoint, over all its slices. */
class Tally {
  latencies: number[] = [];
  server: number[] = [];
  errors = 0;
  requests = 0;
  busySeconds = 0;
  cpu: Record<string, number> = {};
  cpuSeconds = 0;
  constructor(readonly name: string) {}
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

/** Open loop for `seconds`: request i is due at start + i / rate; its latency runs from then until the answer. */
async function slice(t: Tally, seconds: number, make: (i: number) => Promise<Answer>): Promise<void> {
  const total = Math.round(seconds * RATE);
  const before = cpuSnapshot(fs.pid);
  const start = performance.now() + 20;
  const pending: Promise<void>[] = [];
  const offset = t.requests;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      make(offset + i).then(
        (a) => {
          t.latencies.push(performance.now() - due);
          if (Number.isFinite(a.serverMs)) t.server.push(a.serverMs);
          if (a.status !== 200) t.errors++;
        },
        () => void t.errors++,
      ),
    );
  }
  await Promise.all(pending);
  t.busySeconds += (performance.now() - start) / 1000;
  t.requests += total;
  const cpu = cpuSplit(before, cpuSnapshot(fs.pid));
  for (const [k, v] of Object.entries(cpu.cpu)) t.cpu[k] = (t.cpu[k] ?? 0) + v;
  t.cpuSeconds += cpu.seconds;
}

function summary(t: Tally) {
  const l = [...t.latencies].sort((a, b) => a - b);
  const s = [...t.server].sort((a, b) => a - b);
  return {
    name: t.name, achieved: t.requests / t.busySeconds, errors: t.errors,
    p50: percentile(l, 0.5), p90: percentile(l, 0.9), p99: percentile(l, 0.99), max: l.at(-1) ?? NaN,
    serverP50: percentile(s, 0.5), serverP99: percentile(s, 0.99), serverMax: s.at(-1) ?? NaN,
    nodeMs: ((t.cpu["server node"] ?? 0) * 1000) / t.requests,
    pgMs: (((t.cpu["postgres backends"] ?? 0) + (t.cpu["postgres background"] ?? 0)) * 1000) / t.requests,
    restCores: (t.cpu["rest of the machine"] ?? 0) / t.cpuSeconds,
  };
}

try {
  const db = new pg.Client({ connectionString: fs.databaseUrl });
  db.on("error", () => {});
  await db.connect();
  const { rows: [project] } = await db.query(`select p.id from projects p order by created_at limit 1`);
  const cohortId = randomUUID();
  await db.query(`insert into cohorts (id, project_id, name, kind, updated_at) values ($1, $2, 'bench', 'static', now())`, [cohortId, project.id]).catch(async (e) => {
    say(`cohort insert failed (${e.message}); the cohort flag will match nobody`);
  });
  const flag = (key: string, type: string, rules: unknown, variants: unknown = []) =>
    db.query(`insert into feature_flags (id, project_id, key, type, enabled, rules, variants, updated_at) values (gen_random_uuid(), $1, $2, $3, true, $4, $5, now())`, [project.id, key, type, JSON.stringify(rules), JSON.stringify(variants)]);
  await flag("new-navigation", "boolean", [{ conditions: [], rollout: 20, variant: null }]);
  await flag("pro-reports", "boolean", [{ conditions: [{ type: "person", key: "plan", operator: "in", value: ["pro", "team"] }], rollout: 100, variant: null }, { conditions: [], rollout: 10, variant: null }]);
  await flag("checkout-layout", "multivariate", [{ conditions: [], rollout: 50, variant: null }], [{ key: "control", weight: 34 }, { key: "one-page", weight: 33 }, { key: "stepper", weight: 33 }]);
  await flag("early-access", "boolean", [{ conditions: [{ type: "cohort", cohortId, negate: false }], rollout: 100, variant: null }]);
  await db.query(
    `with p as (insert into persons (id, project_id, properties)
                select gen_random_uuid(), $1, jsonb_build_object('plan', (array['free','pro','team','free'])[1 + i % 4], 'n', i) from generate_series(1, $2) i
                returning id, properties ->> 'n' as n)
     insert into person_distinct_ids (project_id, distinct_id, person_id) select $1, 'user-' || n, id from p`,
    [project.id, PERSONS],
  );
  await db.query(`insert into cohort_members (cohort_id, project_id, person_id) select $1, $2, person_id from person_distinct_ids where project_id = $2 and distinct_id like 'user-1%'`, [cohortId, project.id]).catch(() => {});
  await db.end();

  const flagsBody = (i: number) => JSON.stringify({ api_key: fs.writeKey, distinct_id: `user-${1 + (i % PERSONS)}`, person_properties: { country: "GB" } });
  const sample = await new Promise<string>((resolve, reject) => {
    const body = flagsBody(0);
    const req = http.request({ host: target.hostname, port: target.port, method: "POST", path: "/api/flags", agent, headers: { "content-type": "application/json" } }, (res) => {
      let t = "";
      res.on("data", (c) => (t += c));
      res.on("end", () => resolve(`${res.statusCode} ${t}`));
    });
    req.on("error", reject);
    req.end(body);
  });
  say(`sample answer: ${sample}`);

  say("warming up...");
  for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => request("POST", "/api/flags", flagsBody(i + k))));

  say(`measuring ${SECONDS} s at ${RATE}/s each, in alternating 1 s slices...`);
  const reference = new Tally("reference: GET /array/<key>/config (no work)");
  const flags = new Tally("POST /api/flags (4 flags, stored person)");
  const load = os.loadavg();
  for (let done = 0; done < SECONDS; done++) {
    const part = Math.min(1, SECONDS - done);
    await slice(reference, part, () => request("GET", `/array/${fs.writeKey}/config`));
    await slice(flags, part, (i) => request("POST", "/api/flags", flagsBody(i)));
  }
  if (profileDir) {
    say("--profile: 3 s more of /api/flags alone, under the profiler...");
    const from = hrUs();
    await slice(new Tally("profiled"), 3, (i) => request("POST", "/api/flags", flagsBody(i)));
    profileWindow = [from, hrUs()];
  }
  const rows = [summary(reference), summary(flags)];
  const ms = (n: number) => (Number.isFinite(n) ? fmt.fixed(n, 2) : "-");
  console.log(`\nNode ${process.version}, ${SECONDS} s at ${RATE} requests/s per endpoint (open loop, latency from the scheduled send; the endpoints alternate in 1 s slices), loopback`);
  console.log(`load average before ${load.map((l) => l.toFixed(2)).join(" ")}, after ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} cores)\n`);
  console.log(table(
    ["endpoint", "achieved/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "server p50 ms", "server p99 ms", "node CPU ms/req", "pg CPU ms/req", "other load (cores)"],
    rows.map((r) => [r.name, fmt.int(r.achieved), ms(r.p50), ms(r.p90), ms(r.p99), ms(r.max), r.errors, ms(r.serverP50), ms(r.serverP99), fmt.fixed(r.nodeMs, 3), fmt.fixed(r.pgMs, 3), fmt.fixed(r.restCores, 2)]),
  ));
  const f = rows[1]!;
  const ref = rows[0]!;
  console.log(`\n"server": the Server-Timing the endpoint reports per request (flags router to answer, PostgreSQL waits included; not the HTTP parse or time queued before the event loop reads the socket).`);
  console.log(`"other load": CPU used by processes outside this benchmark and its server during the run, in cores.`);
  console.log(
    `\nTarget p99 < 10 ms at ${RATE}/s: wall p99 ${ms(f.p99)} ms (${f.p99 < 10 ? "met" : "missed"}; the no-work reference's p99 is ${ms(ref.p99)} ms${ref.p99 >= 10 ? ", so the floor of this machine at this moment is itself above the target" : ""}); server-side p99 ${ms(f.serverP99)} ms (${f.serverP99 < 10 ? "under" : "over"} 10 ms); ${fmt.fixed(f.nodeMs + f.pgMs, 3)} ms of CPU per request (${fmt.fixed(((f.nodeMs + f.pgMs) * RATE) / 1000, 2)} cores at ${RATE}/s).`,
  );
} catch (err) {
  say(`failed: ${(err as Error).stack}`);
  process.exitCode = 1;
} finally {
  agent.destroy();
  const { leftovers } = await fs.stop();
  if (leftovers.length) say(`processes left behind: ${leftovers.join(", ")}`);
  const p = profileDir ? summariseCpuProfile(profileDir, fs.pid, profileWindow[0], profileWindow[1]) : null;
  if (p) {
    const row = ([k, v]: [string, number]) => [k.length > 90 ? k.slice(0, 87) + "..." : k, fmt.int(v), `${fmt.fixed((100 * v) / p.totalMs, 1)}%`];
    say(`--profile: server node process during the flags-only phase, self time by place (${fmt.int(p.totalMs)} ms sampled)`);
    say(table(["where", "ms", "share"], p.byPlace.map(row)));
    say(table(["function (self)", "ms", "share"], p.byFunction.slice(0, 25).map(row)));
    say(table(["function (inclusive)", "ms", "share"], p.inclusive.slice(0, 25).map(row)));
  }
}
