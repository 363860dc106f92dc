/**
 * `npx tsx tests/bench/flags/remote.ts [--seconds N] [--rate R]`: latency of remote flag
 * evaluation, POST /api/flags, at a fixed open-loop rate (default 500 requests/s) on loopback,
 * beside the reference measured in the same run against the same server: GET /array/<key>/config,
 * an endpoint of the same express app that does no work (the floor of HTTP + loopback + client).
 *
 * `foresight web` runs as a child process with its own embedded PostgreSQL (as the ingest
 * benchmark starts it). Setup: 4 flags (boolean rollout, property rule, multivariate, a cohort
 * rule) and 2,000 stored persons; every request names a stored person (so each one reads the
 * person and their cohort memberships: the one indexed lookup) and sends one property.
 * Latency is measured from each request's scheduled send time, so a stall counts against every
 * request it delays (no coordinated omission). The target: p99 < 10 ms at 500/s.
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
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const target = new URL(fs.url);

function request(method: "GET" | "POST", path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method, path, agent, headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {} },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Run {
  name: string; p50: number; p90: number; p99: number; max: number; errors: number; achieved: number;
  /** Server CPU per request (node + PostgreSQL backends), ms; and the machine's busy share from everything else. */
  nodeMs: number; pgMs: number; restCores: number;
}

/** Open loop: request i is due at start + i / rate; its latency runs from then until the answer. */
async function openLoop(name: string, make: (i: number) => Promise<number>): Promise<Run> {
  const total = Math.round(SECONDS * RATE);
  const latencies: number[] = [];
  let errors = 0;
  const before = cpuSnapshot(fs.pid);
  const start = performance.now() + 50;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      make(i).then(
        (status) => {
          latencies.push(performance.now() - due);
          if (status !== 200) errors++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  const cpu = cpuSplit(before, cpuSnapshot(fs.pid));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    name, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: latencies.at(-1) ?? NaN, errors, achieved: total / elapsed,
    nodeMs: ((cpu.cpu["server node"] ?? 0) * 1000) / total,
    pgMs: (((cpu.cpu["postgres backends"] ?? 0) + (cpu.cpu["postgres background"] ?? 0)) * 1000) / total,
    restCores: (cpu.cpu["rest of the machine"] ?? 0) / cpu.seconds,
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

  say(`measuring ${SECONDS} s at ${RATE}/s each...`);
  const reference = await openLoop("reference: GET /array/<key>/config (no work)", () => request("GET", `/array/${fs.writeKey}/config`));
  const flags = await openLoop("POST /api/flags (4 flags, stored person)", (i) => request("POST", "/api/flags", flagsBody(i)));
  const ms = (n: number) => fmt.fixed(n, 2);
  console.log(`\nNode ${process.version}, ${SECONDS} s at ${RATE} requests/s (open loop, latency from the scheduled send), loopback\n`);
  console.log(table(
    ["endpoint", "achieved/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "node CPU ms/req", "pg CPU ms/req", "other load (cores)"],
    [reference, flags].map((r) => [r.name, fmt.int(r.achieved), ms(r.p50), ms(r.p90), ms(r.p99), ms(r.max), r.errors, fmt.fixed(r.nodeMs, 3), fmt.fixed(r.pgMs, 3), fmt.fixed(r.restCores, 2)]),
  ));
  console.log(`\n"other load": CPU used by processes outside this benchmark and its server during the run, in cores (${os.cpus().length} on this machine).`);
} catch (err) {
  say(`failed: ${(err as Error).stack}`);
  process.exitCode = 1;
} finally {
  agent.destroy();
  const { leftovers } = await fs.stop();
  if (leftovers.length) say(`processes left behind: ${leftovers.join(", ")}`);
  const p = profileDir ? summariseCpuProfile(profileDir, fs.pid, 0, Number.MAX_SAFE_INTEGER) : null;
  if (p) {
    say(`--profile: server node process, whole run, self time (${fmt.int(p.totalMs)} ms sampled)`);
    say(table(["function", "ms", "share"], p.byFunction.slice(0, 25).map(([k, v]) => [k.slice(0, 90), fmt.int(v), `${fmt.fixed((100 * v) / p.totalMs, 1)}%`])));
  }
}
