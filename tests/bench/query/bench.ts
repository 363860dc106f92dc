/**
 * Query benchmark: the same questions answered by Foresight (its real engine entry point,
 * runInsight, over its own embedded PostgreSQL), by DuckDB and by ClickHouse's engine (chdb),
 * on the same generated rows in the same run. Checks that all engines give the same numbers,
 * then prints latencies (first cold run, median of warm runs) and Foresight / faster peer.
 * Run with `npm run bench:query` (run.mjs installs the peers' package first); see BENCHMARKS.md.
 * Asserts nothing about time: exits non-zero only when answers differ or an engine fails.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type pg from "pg";
import { fmt, table } from "../support/table";
import { COUNTRIES, eventMix, generateDataset } from "./dataset";
import { personsText, writeEventsFile } from "./events-file";
import { askForesight, foresightQuery, preparationSteps } from "./foresight";
import { createProject, loadForesight, startForesightDb, type ForesightDb } from "./foresight-db";
import { openChdb, openDuckDb, type PeerEngine } from "./peers";
import { cpuMeter, profiled } from "./profile";
import { DEFINITIONS, differences, digest, dropZeros, QUESTIONS, TITLES, type Answer, type Question, type Range } from "./questions";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    events: { type: "string" },
    persons: { type: "string" },
    days: { type: "string", default: "30" },
    seed: { type: "string", default: "42" },
    runs: { type: "string", default: "5" },
    engines: { type: "string", default: "foresight,duckdb,chdb" },
    questions: { type: "string", default: QUESTIONS.join(",") },
    prepare: { type: "string", default: "refreshRollups,prepareColumnar" },
    "events-file": { type: "string" },
    profile: { type: "boolean", default: false },
    json: { type: "string" },
    "keep-data": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:query -- [--quick] [--events N] [--persons N] [--days N] [--seed N] [--runs N]
       [--engines foresight,duckdb,chdb] [--questions ${QUESTIONS.join(",")}]
       [--prepare refreshRollups,prepareColumnar] [--events-file FILE] [--profile] [--json FILE] [--keep-data]
  --events-file FILE: reuse (or keep) the events file of the same --events/--persons/--days/--seed
  --prepare: which of Foresight's preparation steps to run (an empty list runs none)`);
  process.exit(0);
}
const N = Number(args.events ?? (args.quick ? 1_000_000 : 10_000_000));
const P = Number(args.persons ?? Math.max(1, Math.round(N / 10)));
const DAYS = Number(args.days);
const SEED = Number(args.seed);
const RUNS = Number(args.runs);
for (const [name, v] of Object.entries({ events: N, persons: P, days: DAYS, runs: RUNS })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
}
const ENGINES = new Set(args.engines!.split(",").map((s) => s.trim()));
const ASKED = args.questions!.split(",").map((s) => s.trim()).filter(Boolean) as Question[];
for (const q of ASKED) if (!QUESTIONS.includes(q)) throw new Error(`--questions: unknown question ${q} (${QUESTIONS.join(", ")})`);
const PREPARE = new Set(args.prepare!.split(",").map((s) => s.trim()).filter(Boolean));
/** The data starts on a Monday (UTC), so weeks of the retention are whole from the first day. */
const FROM = Date.UTC(2026, 9, 19);
const RANGE: Range = { from: FROM, to: FROM + DAYS * 86_400_000 };
const PROJECT_ID = "0b5e7a11-9e5c-4d3a-8f00-000000000042";

const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(" ");
const say = (s = "") => process.stdout.write(s + "\n");
const secs = (ms: number) => ms / 1000;
const started = performance.now();

interface Timing {
  engine: string;
  question: Question;
  source: string;
  coldMs: number;
  warmMs: number[];
  medianMs: number;
  answer: Answer | null;
  error: string | null;
  cpu?: { node: number; postgres: number; others: number; wall: number };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

/** One cold run, then RUNS warm runs; every run's answer must equal the first's. */
async function measure(engine: string, q: Question, ask: () => Promise<{ answer: Answer; source: string }>, pgPid?: number | null): Promise<Timing> {
  const t: Timing = { engine, question: q, source: "", coldMs: NaN, warmMs: [], medianMs: NaN, answer: null, error: null };
  try {
    let t0 = performance.now();
    const first = await ask();
    t.coldMs = performance.now() - t0;
    t.answer = dropZeros(first.answer);
    t.source = first.source;
    const meter = cpuMeter(pgPid ?? null);
    for (let i = 0; i < RUNS; i++) {
      t0 = performance.now();
      const again = await ask();
      t.warmMs.push(performance.now() - t0);
      const diff = differences(t.answer, dropZeros(again.answer));
      if (diff.length) throw new Error(`warm run ${i + 1} gave a different answer than the cold run (${diff.length} values differ)`);
    }
    if (meter) {
      const m = meter.stop();
      t.cpu = { node: m.node / RUNS, postgres: m.postgres / RUNS, others: m.others / RUNS, wall: m.wall / RUNS };
    }
    t.medianMs = median(t.warmMs);
    say(`  ${engine}: cold ${fmt.fixed(t.coldMs, 1)} ms, warm median ${fmt.fixed(t.medianMs, 1)} ms (${t.source})`);
  } catch (err) {
    t.error = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    say(`  ${engine}: failed: ${t.error}`);
  }
  return t;
}

let db: ForesightDb | null = null;
const peers: PeerEngine[] = [];
let workDir: string | null = null;
async function cleanup() {
  for (const p of peers.splice(0)) await p.close().catch(() => {});
  await db?.stop().catch(() => {});
  db = null;
  if (workDir && !args["keep-data"]) rmSync(workDir, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    say(`\n${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  say(`Query benchmark: ${fmt.int(N)} events, ${fmt.int(P)} persons, ${DAYS} days from ${new Date(FROM).toISOString().slice(0, 10)} (UTC), seed ${SEED}, ${RUNS} warm runs`);
  say(`engines: ${[...ENGINES].join(", ")}; machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; load average ${loadavg()}`);
  say();

  // 1. Data, generated once, written once: every engine loads the same file.
  let t = performance.now();
  const data = generateDataset({ events: N, persons: P, days: DAYS, seed: SEED, from: FROM });
  const genS = secs(performance.now() - t);
  const mix = eventMix(data);
  // The generator's promise: no two events of one person share a timestamp (rows are sorted by
  // time, then person, so such a pair would be adjacent).
  for (let i = 1; i < data.length; i++) {
    if (data.ts[i] === data.ts[i - 1] && data.person[i] === data.person[i - 1]) throw new Error(`generator: two events of person ${data.person[i]} at ${data.ts[i]}`);
  }
  say(`generated in ${fmt.fixed(genS, 1)} s: ${Object.entries(mix).map(([e, n]) => `${e} ${fmt.int(n)}`).join(", ")}; ${COUNTRIES.length} countries`);
  let file: string;
  if (args["events-file"] && existsSync(args["events-file"])) {
    file = path.resolve(args["events-file"]);
    say(`events file: reusing ${file} (${fmt.mb(statSync(file).size / 2 ** 20)}; it must come from the same options)`);
  } else {
    workDir = mkdtempSync(path.join(os.tmpdir(), "foresight-query-bench-data-"));
    file = args["events-file"] ? path.resolve(args["events-file"]) : path.join(workDir, "events.tsv");
    t = performance.now();
    const { bytes } = await writeEventsFile(data, PROJECT_ID, file);
    say(`events file (COPY text, ingest's columns + inserted_at): ${fmt.mb(bytes / 2 ** 20)}, ${fmt.int(bytes / N)} bytes/event, written in ${fmt.fixed(secs(performance.now() - t), 1)} s`);
  }
  const created = new Date(FROM).toISOString();
  const personRows = personsText(data, PROJECT_ID, created);
  say();

  const loads: Array<{ engine: string; phases: Record<string, number> }> = [];
  const project = { id: PROJECT_ID, timezone: "UTC", testAccountFilters: [] };

  // 2. Foresight: its embedded PostgreSQL, migrated; rows in ingest's shape; then its preparation.
  if (ENGINES.has("foresight")) {
    say("Foresight: starting its embedded PostgreSQL, applying migrations ...");
    t = performance.now();
    db = await startForesightDb({ keepData: args["keep-data"] });
    const startS = secs(performance.now() - t);
    await createProject(db.pool, PROJECT_ID, new Date(FROM), new Date(RANGE.to));
    say(`  started in ${fmt.fixed(startS, 1)} s; loading with COPY (this measures querying: the ingest benchmark measures loading) ...`);
    const lt = await loadForesight(db.pool, { ...personRows, eventsFile: file });
    const phases: Record<string, number> = { "COPY persons + distinct ids": lt.persons, "COPY events": lt.events, "VACUUM ANALYZE": lt.vacuumAnalyze };
    for (const step of await preparationSteps()) {
      if (!PREPARE.has(step.name.split("(")[0]!)) {
        say(`  ${step.name}: skipped (--prepare)`);
        continue;
      }
      t = performance.now();
      const out = await step.run(db.pool, PROJECT_ID);
      phases[step.name] = secs(performance.now() - t);
      say(`  ${step.name}: ${fmt.fixed(phases[step.name]!, 2)} s${out && typeof out === "object" ? ` ${JSON.stringify(out).slice(0, 200)}` : ""}`);
    }
    const { rows } = await db.pool.query<{ size: string }>(`select pg_size_pretty(sum(pg_total_relation_size(c.oid))) as size from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'events'::regclass`);
    say(`  events table with its indexes: ${rows[0]?.size}`);
    loads.push({ engine: "Foresight", phases });
  }
  // 3. The peers, from the same file.
  const openers: Array<[string, () => Promise<PeerEngine>]> = [["duckdb", openDuckDb], ["chdb", openChdb]];
  for (const [key, open] of openers) {
    if (!ENGINES.has(key)) continue;
    const peer = await open();
    peers.push(peer);
    say(`${peer.name} ${peer.version}: ${peer.layout} ...`);
    const phases = await peer.load(file);
    loads.push({ engine: peer.name, phases });
  }
  say();
  say("Load and preparation (seconds; the events file is written once, before, and not counted)");
  say(table(["engine", "phase", "seconds"], loads.flatMap((l) => Object.entries(l.phases).map(([p, s]) => [l.engine, p, fmt.fixed(s, 2)]))));
  say();
  for (const line of DEFINITIONS) say(line);
  say();

  // 4. The questions, engine by engine.
  const timings: Timing[] = [];
  const profiles: Array<{ question: Question; byFunction: Array<[string, number]>; byFile: Array<[string, number]>; totalMs: number }> = [];
  for (const q of ASKED) {
    say(`${TITLES[q]} ...`);
    if (db) {
      const pool: pg.Pool = db.pool;
      const tm = await measure("Foresight", q, () => askForesight(pool, project, q, RANGE), db.serverPid);
      timings.push(tm);
      if (args.profile && !tm.error) {
        const p = await profiled(async () => {
          for (let i = 0; i < RUNS; i++) await askForesight(pool, project, q, RANGE);
        });
        profiles.push({ question: q, ...p });
      }
    }
    for (const peer of peers) timings.push(await measure(peer.name, q, async () => ({ answer: await peer.run(q, RANGE), source: "table" })));
  }
  say();

  // 5. Same numbers everywhere?
  let failed = false;
  say("Answers");
  for (const q of ASKED) {
    const ts = timings.filter((x) => x.question === q);
    const ref = ts.find((x) => x.answer && x.engine !== "Foresight") ?? ts.find((x) => x.answer);
    for (const x of ts) {
      if (x.error) {
        failed = true;
        say(`  ${TITLES[q]}: ${x.engine} FAILED: ${x.error}`);
        continue;
      }
      if (!ref || x === ref) {
        say(`  ${TITLES[q]}: ${x.engine}: ${digest(x.answer!)} (reference)`);
        continue;
      }
      const diff = differences(ref.answer!, x.answer!);
      if (diff.length) failed = true;
      say(`  ${TITLES[q]}: ${x.engine}: ${digest(x.answer!)}: ${diff.length ? `DIFFERS from ${ref.engine} in ${diff.length} values` : `same as ${ref.engine}`}`);
      for (const d of diff.slice(0, 8)) say(`      ${d.key}: ${ref.engine} ${d.a}, ${x.engine} ${d.b}`);
    }
  }
  const funnelRef = timings.find((x) => x.question === "funnel" && x.answer);
  if (funnelRef) say(`  funnel: ${[...funnelRef.answer!].map(([k, v]) => `${k.replace(/^step \d /, "")} ${fmt.int(v)}`).join(" -> ")}`);
  const retRef = timings.find((x) => x.question === "retention" && x.answer);
  if (retRef) {
    const cohorts = [...new Set([...retRef.answer!.keys()].map((k) => k.split("|")[0]!))].sort();
    say("  retention (persons; period 0 = cohort size):");
    for (const c of cohorts) say(`    ${c}: ${Array.from({ length: 5 }, (_, k) => retRef.answer!.get(`${c}|${k}`)).filter((v) => v !== undefined).map((v) => fmt.int(v!)).join(", ")}`);
  }
  say();

  // 6. Latencies.
  say(`Latency in ms: first (cold) run after loading and preparing, and the median of ${RUNS} warm runs`);
  const rows: string[][] = [];
  for (const q of ASKED) {
    const ts = timings.filter((x) => x.question === q);
    const peerTs = ts.filter((x) => x.engine !== "Foresight" && !x.error);
    const best = peerTs.sort((a, b) => a.medianMs - b.medianMs)[0];
    for (const x of ts) {
      const ratio = x.engine === "Foresight" && best && !x.error ? `${fmt.fixed(x.medianMs / best.medianMs, 2)}x ${best.engine}` : "";
      rows.push([TITLES[q], x.engine, x.error ? "failed" : x.source, x.error ? "-" : fmt.fixed(x.coldMs, 1), x.error ? "-" : fmt.fixed(x.medianMs, 1), ratio]);
    }
  }
  say(table(["question", "engine", "source", "cold ms", "warm median ms", "Foresight / faster peer"], rows));
  say();
  const withCpu = timings.filter((x) => x.cpu && !x.error);
  if (withCpu.length) {
    say("Per warm run: wall seconds, CPU seconds of this process (Foresight's engine in Node, or the peer's threads), of");
    say("Foresight's PostgreSQL, and of everything else on the machine (other work on a shared machine shows there)");
    say(
      table(
        ["question", "engine", "wall s", "this process CPU s", "postgres CPU s", "rest of machine CPU s"],
        withCpu.map((x) => [TITLES[x.question], x.engine, fmt.fixed(x.cpu!.wall, 3), fmt.fixed(x.cpu!.node, 3), x.engine === "Foresight" ? fmt.fixed(x.cpu!.postgres, 3) : "-", fmt.fixed(x.cpu!.others, 3)]),
      ),
    );
    say();
  }
  for (const p of profiles) {
    say(`Profile of Foresight's ${RUNS} warm runs of ${TITLES[p.question]} (self ms in this process, ${fmt.fixed(p.totalMs, 0)} ms sampled; "(idle)" is waiting, mostly on PostgreSQL):`);
    say(table(["file", "self ms"], p.byFile.map(([f, ms]) => [f, fmt.fixed(ms, 0)])));
    say(table(["function", "self ms"], p.byFunction.map(([f, ms]) => [f, fmt.fixed(ms, 0)])));
    say();
  }

  // 7. The bars of issue 4.
  if (db) {
    say("Bars (issue 4): funnel and retention at most 3x the faster of DuckDB and chdb; trends from rollups under 200 ms");
    for (const q of (["funnel", "retention"] as Question[]).filter((x) => ASKED.includes(x))) {
      const f = timings.find((x) => x.engine === "Foresight" && x.question === q);
      const best = timings.filter((x) => x.question === q && x.engine !== "Foresight" && !x.error).sort((a, b) => a.medianMs - b.medianMs)[0];
      if (!f || f.error || !best) say(`  ${TITLES[q]}: not measured`);
      else {
        const r = f.medianMs / best.medianMs;
        const cpu = f.cpu && best.cpu ? `; CPU per run ${fmt.fixed(f.cpu.node + f.cpu.postgres, 3)} s (Node + PostgreSQL) vs ${fmt.fixed(best.cpu.node, 3)} s, ${fmt.fixed((f.cpu.node + f.cpu.postgres) / best.cpu.node, 2)}x` : "";
        say(`  ${TITLES[q]}: ${fmt.fixed(r, 2)}x ${best.engine} (${fmt.fixed(f.medianMs, 0)} vs ${fmt.fixed(best.medianMs, 0)} ms wall${cpu}): ${r <= 3 ? "met" : "NOT met"}`);
      }
    }
    for (const q of (["daily_uniques_by_country", "daily_uniques"] as Question[]).filter((x) => ASKED.includes(x))) {
      const f = timings.find((x) => x.engine === "Foresight" && x.question === q);
      if (!f || f.error) say(`  ${TITLES[q]}: not measured`);
      else say(`  ${TITLES[q]}: source ${f.source}, ${fmt.fixed(f.medianMs, 1)} ms: ${f.source === "rollup" && f.medianMs < 200 ? "met" : f.source !== "rollup" ? "NOT met (not answered from rollups)" : "NOT met"}`);
    }
    say();
  }
  const totalS = secs(performance.now() - started);
  say(`whole run: ${fmt.fixed(totalS, 0)} s; load average now ${loadavg()}; answers ${failed ? "DIFFER or an engine failed (exit 1)" : "identical in every engine"}`);

  if (args.json) {
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          events: N, persons: P, days: DAYS, seed: SEED, runs: RUNS, mix, loads, totalSeconds: totalS, ok: !failed,
          queries: Object.fromEntries(ASKED.map((q) => [q, foresightQuery(q, RANGE)])),
          timings: timings.map(({ answer, ...rest }) => ({ ...rest, values: answer?.size ?? 0 })),
          profiles,
        },
        null,
        2,
      ),
    );
  }
  return failed ? 1 : 0;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (err) => {
    console.error(err);
    await cleanup();
    process.exit(2);
  });
