/**
 * Ingest benchmark: events/s through Foresight's real capture endpoint, beside the raw COPY
 * ceiling and a one-INSERT-per-event baseline, all measured in the same run on the same rows.
 * Run with `npm run bench` (or `npx tsx tests/bench/ingest/run.ts --quick`); see BENCHMARKS.md.
 * Prints figures; asserts nothing about time. Exits non-zero only when a correctness check fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { BINARY_HEADER, BINARY_TRAILER, copyBinary, copyText, EVENT_COLUMNS } from "../../../server/ingest/copy-rows";
import { newPersonId } from "../../../server/ingest/identity";
import type { IngestRow } from "../../../server/ingest/ingest-row";
import { fmt, table } from "../support/table";
import { BenchDb, copyCeiling, insertPerEvent } from "./db-variants";
import { generateEvents, storedRow } from "./events";
import { startForesight, type ForesightUnderTest } from "./foresight-process";
import { runHttpLoad, type LoadResult } from "./http-load";
import { cpuSnapshot, cpuSplit, watchMemory, type CpuSplit, type MemoryPeak } from "./proc-stats";
import { sampleServerConnections, summariseCpuProfile } from "./profile";
import { SERVER_NODE_FLAGS } from "../../../server/node-flags";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    events: { type: "string" },
    "insert-events": { type: "string" },
    users: { type: "string", default: "20000" },
    batch: { type: "string", default: "100" },
    concurrency: { type: "string", default: "64" },
    seed: { type: "string", default: "42" },
    "web-processes": { type: "string", default: "1" },
    profile: { type: "boolean", default: false },
    json: { type: "string" },
    "keep-data": { type: "boolean", default: false },
    "node-arg": { type: "string", multiple: true, default: [] },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(`usage: npx tsx tests/bench/ingest/run.ts [--quick] [--events N] [--insert-events N] [--users N]
       [--batch N] [--concurrency N] [--seed N] [--web-processes N] [--profile] [--json FILE] [--keep-data]
       [--node-arg ARG]... (extra node options for the server, after its own: e.g. --node-arg=--max-semi-space-size=16)`);
  process.exit(0);
}
const N = Number(args.events ?? (args.quick ? 30_000 : 300_000));
const INSERT_N = Math.min(N, Number(args["insert-events"] ?? (args.quick ? 3_000 : 20_000)));
const USERS = Number(args.users);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const WEB_PROCESSES = Number(args["web-processes"]);
for (const [name, v] of Object.entries({ events: N, "insert-events": INSERT_N, users: USERS, batch: BATCH, concurrency: CONCURRENCY, "web-processes": WEB_PROCESSES })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
}

const say = (s = "") => process.stdout.write(s + "\n");
const checks: Array<{ name: string; ok: boolean; detail: string }> = [];
const check = (name: string, ok: boolean, detail: string) => {
  checks.push({ name, ok, detail });
  say(`  check: ${name}: ${ok ? "OK" : "FAILED"} (${detail})`);
};

interface Phase {
  label: string;
  events: number;
  seconds: number;
  walBytes: number;
  cpu: CpuSplit;
}

const profileDir = args.profile ? mkdtempSync(path.join(os.tmpdir(), "foresight-bench-prof-")) : null;
let server: ForesightUnderTest | null = null;
let interrupted = false;
// Whatever fails on the way, the finally below still stops the server.
process.on("unhandledRejection", (err) => say(`benchmark: ${(err as Error).message ?? err}`));
process.on("SIGINT", () => {
  if (interrupted) return;
  interrupted = true;
  say("\ninterrupted: stopping the server...");
  void (server?.stop() ?? Promise.resolve()).finally(() => {
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    process.exit(130);
  });
});

async function main() {
  say(`Foresight ingest benchmark (${args.quick ? "quick" : "full"}): ${fmt.int(N)} events, batch ${BATCH}, ${CONCURRENCY} requests in flight`);
  const cpus = os.cpus();
  say(`machine: ${cpus.length} x ${cpus[0]?.model.trim()}, ${fmt.mb(os.totalmem() / 2 ** 20)} RAM, ${os.type()} ${os.release()}, node ${process.version}`);
  say(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

  say(`starting foresight web with FORESIGHT_WEB_PROCESSES=${WEB_PROCESSES}, node ${[...SERVER_NODE_FLAGS, ...args["node-arg"]!].join(" ")} (embedded PostgreSQL in a temp dir)...`);
  const t0 = performance.now();
  server = await startForesight({
    nodeArgs: [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), ...args["node-arg"]!],
    keepDataDir: args["keep-data"],
    webProcesses: WEB_PROCESSES,
  });
  say(`  ready at ${server.url} in ${fmt.fixed((performance.now() - t0) / 1000, 1)} s (server pid ${server.pid}, data in ${server.dataDir})`);
  const db = await BenchDb.connect(server.databaseUrl);
  const project = await db.projectOf(server.writeKey);
  const facts = await db.serverFacts();
  say(`  ${facts.version}; shared_buffers ${facts.shared_buffers}, synchronous_commit ${facts.synchronous_commit}, fsync ${facts.fsync}, max_wal_size ${facts.max_wal_size}`);
  say(`  project ${project.id}, ip_mode ${project.ipMode}, rate limit ${fmt.int(project.rateLimitPerSec)} events/s`);

  // Everything each variant sends or writes is prepared before any clock starts.
  say("generating events...");
  const g0 = performance.now();
  const copyChunks: Buffer[] = [];
  const binaryChunks: Buffer[] = [BINARY_HEADER];
  const insertRows: unknown[][] = [];
  const persons = new Map<string, string>();
  let pending: IngestRow[] = [];
  const personOf = (d: string) => {
    let p = persons.get(d);
    if (!p) persons.set(d, (p = newPersonId(project.id, d)));
    return p;
  };
  const flush = () => {
    if (!pending.length) return;
    const personIds = pending.map((r) => personOf(r.distinctId));
    copyChunks.push(Buffer.from(copyText(pending, personIds)));
    binaryChunks.push(copyBinary(pending, personIds, false));
    pending = [];
  };
  let seen = 0;
  const generated = generateEvents(
    { n: N, users: USERS, batch: BATCH, apiKey: server.writeKey, seed: Number(args.seed), now: Date.now() },
    (e, ua) => {
      const row = storedRow(e, ua, project);
      if (seen++ < INSERT_N) insertRows.push(insertValues(row, personOf(row.distinctId)));
      pending.push(row);
      if (pending.length >= 1000) flush();
    },
  );
  flush();
  binaryChunks.push(BINARY_TRAILER);
  const copyBytes = copyChunks.reduce((s, c) => s + c.length, 0);
  say(
    `  ${fmt.int(N)} events from ${fmt.int(persons.size)} distinct ids in ${generated.bodies.length} requests, ` +
      `${fmt.int(generated.bytesPerEvent)} JSON bytes/event, ${fmt.int(copyBytes / N)} COPY bytes/event ` +
      `(${fmt.fixed((performance.now() - g0) / 1000, 1)} s)`,
  );

  const abortsAtStart = await db.aborts();
  const phases: Phase[] = [];
  const measure = async <T>(label: string, events: number, run: () => Promise<T>): Promise<{ phase: Phase; result: T }> => {
    await db.resetEvents();
    const lsn = await db.walLsn();
    const before = cpuSnapshot(server!.pid);
    const start = performance.now();
    const result = await run();
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuSplit(before, cpuSnapshot(server!.pid));
    const phase = { label, events, seconds, walBytes: await db.walBytesSince(lsn), cpu };
    phases.push(phase);
    return { phase, result };
  };

  // (a) HTTP through the real endpoint.
  say(`(a) HTTP: POST /api/capture, ${BATCH} events per request, ${CONCURRENCY} in flight (node:http keep-alive agent)...`);
  const memory = watchMemory(server.pid, 1000); // each sample reads smaps_rollup of ~20 processes (~10 ms of kernel time)
  const activity = args.profile ? sampleServerConnections(db) : null;
  const windowUs = [0, 0];
  const a = await measure(`(a) HTTP capture, batch ${BATCH}, ${CONCURRENCY} in flight`, N, async () => {
    windowUs[0] = Number(process.hrtime.bigint() / 1000n);
    const r = await runHttpLoad(server!.url, generated.bodies, generated.sizes, CONCURRENCY);
    windowUs[1] = Number(process.hrtime.bigint() / 1000n);
    return r;
  });
  const pgActivity = await activity?.stop();
  const mem: MemoryPeak = memory.stop();
  const http: LoadResult = a.result;
  a.phase.seconds = http.seconds;
  const afterHttp = await db.contents();
  const personLinks = (await db.one<{ n: number }>("select count(*)::int as n from person_distinct_ids where project_id = $1", [project.id])).n;
  check("events table holds exactly N events after (a)", afterHttp.rows === N && afterHttp.distinctUuids === N,
    `${fmt.int(afterHttp.rows)} rows, ${fmt.int(afterHttp.distinctUuids)} distinct uuids, expected ${fmt.int(N)}`);
  check("every 200 answer accepted its whole batch", http.acceptedEvents === N, `${fmt.int(http.acceptedEvents)} events acknowledged`);
  check("one person per distinct id", personLinks === persons.size, `${fmt.int(personLinks)} person_distinct_ids rows, ${fmt.int(persons.size)} distinct ids sent`);

  // (b) The ceiling: one COPY stream of the same rows into the same (truncated) table.
  say("(b) COPY ceiling: TRUNCATE events, then one COPY of the pre-rendered rows from this process...");
  const b = await measure("(b) COPY, one stream, rows pre-rendered", N, () => copyCeiling(db, copyChunks));
  b.phase.seconds = b.result;
  const afterCopy = await db.contents();
  check("COPY stored the same rows as HTTP", afterCopy.rows === N && afterCopy.fingerprint === afterHttp.fingerprint,
    `${fmt.int(afterCopy.rows)} rows; column fingerprint ${afterCopy.fingerprint === afterHttp.fingerprint ? "equal" : `differs (${afterCopy.fingerprint} vs ${afterHttp.fingerprint})`}`);

  // (b2) The same in binary COPY format, the server's own: for information, beside the ceiling.
  say("(b2) COPY binary: TRUNCATE events, then one binary COPY of the pre-rendered rows from this process...");
  const b2 = await measure("(b2) COPY binary, one stream, pre-rendered", N, () => copyCeiling(db, binaryChunks, "binary"));
  b2.phase.seconds = b2.result;
  const afterBinary = await db.contents();
  check("binary COPY stored the same rows as HTTP", afterBinary.rows === N && afterBinary.fingerprint === afterHttp.fingerprint,
    `${fmt.int(afterBinary.rows)} rows; column fingerprint ${afterBinary.fingerprint === afterHttp.fingerprint ? "equal" : `differs (${afterBinary.fingerprint} vs ${afterHttp.fingerprint})`}`);

  // (c) One INSERT per event, as the source plans had it.
  say(`(c) one INSERT per event: TRUNCATE events, then ${fmt.int(INSERT_N)} single-row INSERTs on one connection...`);
  const c = await measure("(c) INSERT per event, one connection", INSERT_N, () => insertPerEvent(db, insertRows));
  c.phase.seconds = c.result;
  const afterInsert = await db.contents();
  check("INSERT stored its subset", afterInsert.rows === INSERT_N, `${fmt.int(afterInsert.rows)} rows`);
  // (b) and (c) cannot deadlock or roll back; what is counted here comes from the server in (a).
  const abortsAtEnd = await db.aborts();
  const aborts = { deadlocks: abortsAtEnd.deadlocks - abortsAtStart.deadlocks, rollbacks: abortsAtEnd.rollbacks - abortsAtStart.rollbacks };
  await db.close();

  say("stopping the server (SIGINT)...");
  const { leftovers } = await server.stop();
  check("no server or postgres process left behind", leftovers.length === 0, leftovers.length ? `still running: ${leftovers.join(", ")}` : `${server.seenPids.size} processes seen, all gone`);

  report({ phases, http, mem, txEstimate: afterHttp.transactions, aborts, pgActivity });
  if (profileDir) {
    const prof = summariseCpuProfile(profileDir, server.pid, windowUs[0]!, windowUs[1]!);
    if (prof) printProfile(prof);
    else say("(no CPU profile found from the server process)");
  }
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ at: new Date().toISOString(), args, N, INSERT_N, facts, phases, http, mem, aborts, checks, loadavg: os.loadavg() }, null, 2));
    say(`results written to ${args.json}`);
  }
  say(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  if (checks.some((x) => !x.ok)) process.exitCode = 1;
}

/** Parameters for one single-row INSERT, in EVENT_COLUMNS order. */
function insertValues(r: IngestRow, personId: string): unknown[] {
  const f = r.fields;
  const byColumn: Record<(typeof EVENT_COLUMNS)[number], unknown> = {
    project_id: r.projectId, uuid: r.uuid, event: r.event, timestamp: new Date(r.ts).toISOString(), distinct_id: r.distinctId,
    person_id: personId, session_id: r.sessionId, url: f.url, host: f.host, pathname: f.pathname, referrer: f.referrer,
    referring_domain: f.referringDomain, device: f.device, browser: f.browser, browser_version: f.browserVersion, os: f.os,
    os_version: f.osVersion, country: f.country, city: f.city, utm_source: f.utmSource, utm_medium: f.utmMedium,
    utm_campaign: f.utmCampaign, utm_term: f.utmTerm, utm_content: f.utmContent, revenue: r.revenue, ip: f.ip,
    properties: JSON.stringify(r.properties),
  };
  return EVENT_COLUMNS.map((c) => byColumn[c]);
}

function report(r: {
  phases: Phase[];
  http: LoadResult;
  mem: MemoryPeak;
  txEstimate: number;
  aborts: { deadlocks: number; rollbacks: number };
  pgActivity?: { samples: number; meanConnections: Array<[string, number]> };
}) {
  const copy = r.phases.find((p) => p.label.startsWith("(b)"))!;
  const ceiling = copy.events / copy.seconds;
  say("");
  say("Results (one run; the reference lines were measured in this same run, on the same rows)");
  say(
    table(
      ["variant", "events", "seconds", "events/s", "vs COPY", "WAL bytes/event"],
      r.phases.map((p) => [p.label, fmt.int(p.events), fmt.fixed(p.seconds), fmt.int(p.events / p.seconds), `${fmt.fixed(p.events / p.seconds / ceiling)}x`, fmt.int(p.walBytes / p.events)]),
    ),
  );
  const binary = r.phases.find((p) => p.label.startsWith("(b2)"));
  const httpPhase = r.phases.find((p) => p.label.startsWith("(a)"))!;
  if (binary) {
    say(`(a) vs (b2), the binary COPY the server itself sends: ${fmt.fixed(httpPhase.events / httpPhase.seconds / (binary.events / binary.seconds))}x`);
  }
  const h = r.http;
  say("");
  say(`(a) HTTP: ${fmt.int(h.requests)} requests, latency p50 ${fmt.fixed(h.latencyMs.p50, 1)} ms, p99 ${fmt.fixed(h.latencyMs.p99, 1)} ms, max ${fmt.fixed(h.latencyMs.max, 1)} ms; ` +
    `non-200 or short answers (retried): ${Object.keys(h.failures).length ? JSON.stringify(h.failures) : "none"}`);
  say(`    events/s in each tenth of the run: ${h.byTenth.map(fmt.int).join(", ")}`);
  say(`    peak memory of the server tree: node VmHWM ${fmt.mb(r.mem.nodeHwm)}; postgres processes, sum of VmHWM ${fmt.mb(r.mem.postgresHwmSum)} ` +
    `(counts shared buffers once per process); whole tree, peak sampled PSS ${fmt.mb(r.mem.treePssPeak)}`);
  say(`    group commit: about ${fmt.int(r.txEstimate)} write transactions (distinct inserted_at), ${fmt.fixed(r.phases[0]!.events / Math.max(1, r.txEstimate), 0)} events each on average; ` +
    `PostgreSQL counted ${fmt.int(r.aborts.deadlocks)} deadlocks and ${fmt.int(r.aborts.rollbacks)} rolled-back transactions (pg_stat_database, may lag by seconds)`);
  say("");
  say("CPU during each phase, in cores (CPU seconds / wall seconds)");
  const roles = ["server node", "postgres backends", "postgres background", "other children", "benchmark process", "rest of the machine"];
  say(
    table(
      ["phase", ...roles, "machine"],
      r.phases.map((p) => [p.label.split(" ")[0]!, ...roles.map((k) => fmt.fixed((p.cpu.cpu[k] ?? 0) / p.cpu.seconds)), `${fmt.fixed(p.cpu.machineCores, 0)} cores`]),
    ),
  );
  say('"rest of the machine" is everything not started by this benchmark: other work on a shared machine shows there.');
  if (r.pgActivity) {
    say("");
    say(`--profile: the server's PostgreSQL connections during (a), mean number of connections per activity (${r.pgActivity.samples} samples of pg_stat_activity)`);
    const shown = r.pgActivity.meanConnections.filter(([, v]) => v >= 0.01);
    const rest = r.pgActivity.meanConnections.filter(([, v]) => v < 0.01).reduce((s, [, v]) => s + v, 0);
    say(table(["activity", "connections"], [...shown.map(([k, v]) => [k, fmt.fixed(v)]), ["everything else (each under 0.01)", fmt.fixed(rest)]]));
    say('"waiting on node" = the transaction is open and PostgreSQL waits for the server\'s next statement.');
  }
}

function printProfile(p: NonNullable<ReturnType<typeof summariseCpuProfile>>) {
  say("");
  say(`--profile: server node process during (a), self time (${fmt.int(p.totalMs)} ms sampled; V8 CPU profile, --cpu-prof)`);
  say(table(["where", "ms", "share"], p.byPlace.map(([k, v]) => [k, fmt.int(v), `${fmt.fixed((100 * v) / p.totalMs, 1)}%`])));
  say("");
  say(table(["function", "ms", "share"], p.byFunction.map(([k, v]) => [k.length > 90 ? k.slice(0, 87) + "..." : k, fmt.int(v), `${fmt.fixed((100 * v) / p.totalMs, 1)}%`])));
  say("");
  say("the same, inclusive time (the function anywhere on the stack)");
  say(table(["function", "ms", "share"], p.inclusive.map(([k, v]) => [k.length > 90 ? k.slice(0, 87) + "..." : k, fmt.int(v), `${fmt.fixed((100 * v) / p.totalMs, 1)}%`])));
}

try {
  await main();
} catch (err) {
  say(`benchmark failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  const started = server as ForesightUnderTest | null; // assigned inside main()
  if (started) {
    const { leftovers } = await started.stop();
    if (leftovers.length) say(`warning: processes still running after stop: ${leftovers.join(", ")}`);
  }
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
}
