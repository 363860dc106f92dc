/**
 * What Foresight's own metrics cost the capture path: the ingest benchmark's HTTP phase run
 * against a server with metrics on (request histograms, capture counters, the 10 s sampler writing
 * metric_samples, and /metrics scraped every second as an eager Prometheus would) and against one
 * with FORESIGHT_METRICS=false, alternating, several rounds, same events, after one warm-up run. The issue's bar: metrics
 * cost under 5% of ingest throughput. Nothing is asserted on time; the figures are printed.
 *
 *   npx tsx tests/bench/metrics/overhead.ts [--events N] [--rounds R] [--concurrency C] [--scrape-ms MS]
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { fmt, table } from "../support/table";
import { generateEvents } from "../ingest/events";
import { startForesight } from "../ingest/foresight-process";
import { runHttpLoad } from "../ingest/http-load";
import { cpuSnapshot, cpuSplit } from "../ingest/proc-stats";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "200000" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "64" },
    batch: { type: "string", default: "100" },
    "scrape-ms": { type: "string", default: "1000" },
  },
});
const positive = (name: keyof typeof args) => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
};
const N = positive("events");
const ROUNDS = positive("rounds");
const CONCURRENCY = positive("concurrency");
const BATCH = positive("batch");
const SCRAPE_MS = positive("scrape-ms");

type Mode = "on" | "off";
interface Run {
  mode: Mode;
  round: number;
  eventsPerSec: number;
  p99: number;
  serverCores: number;
  rest: number;
  scrapes: number;
  counted: number | null;
}

const say = (s: string) => console.log(s);
const writeKey = "bench_" + randomBytes(16).toString("hex");
const token = "metrics_" + randomBytes(16).toString("hex");

say(`Foresight metrics overhead: ${fmt.int(N)} events per run, batch ${BATCH}, ${CONCURRENCY} in flight, ${ROUNDS} rounds of on/off`);
say(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const generated = generateEvents({ n: N, users: Math.max(10, Math.round(N / 15)), batch: BATCH, apiKey: writeKey, seed: 7, now: Date.now() }, () => {});

/** The accepted-events counter as /metrics shows it (proves the "on" server really counted). */
async function scrapeCount(url: string): Promise<number | null> {
  const res = await fetch(new URL("/metrics", url), { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const m = /^foresight_capture_events_total\{outcome="accepted"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

// One run first that counts for nothing: the very first server start of a benchmark is
// consistently slower (cold page cache for PostgreSQL's files, this process's own JIT).
{
  const server = await startForesight({ writeKey, env: { FORESIGHT_METRICS: "false" } });
  try {
    const load = await runHttpLoad(server.url, generated.bodies, generated.sizes, CONCURRENCY);
    say(`  warm-up run (not counted): ${fmt.int(load.acceptedEvents / load.seconds)} events/s`);
  } finally {
    await server.stop();
  }
}

const runs: Run[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const order: Mode[] = round % 2 ? ["on", "off"] : ["off", "on"];
  for (const mode of order) {
    const server = await startForesight({
      writeKey,
      env: { FORESIGHT_METRICS: mode === "on" ? "true" : "false", FORESIGHT_METRICS_TOKEN: token },
    });
    try {
      let scrapes = 0;
      const scraper =
        mode === "on"
          ? setInterval(() => {
              scrapes++;
              void scrapeCount(server.url).catch(() => {});
            }, SCRAPE_MS)
          : null;
      const before = cpuSnapshot(server.pid);
      const load = await runHttpLoad(server.url, generated.bodies, generated.sizes, CONCURRENCY);
      const split = cpuSplit(before, cpuSnapshot(server.pid));
      if (scraper) clearInterval(scraper);
      const counted = await scrapeCount(server.url);
      const serverCores = Object.entries(split.cpu)
        .filter(([k]) => k !== "benchmark process" && k !== "rest of the machine")
        .reduce((s, [, v]) => s + v, 0) / split.seconds;
      runs.push({
        mode,
        round,
        eventsPerSec: load.acceptedEvents / load.seconds,
        p99: load.latencyMs.p99,
        serverCores,
        rest: (split.cpu["rest of the machine"] ?? 0) / split.seconds,
        scrapes,
        counted,
      });
      say(`  round ${round}, metrics ${mode}: ${fmt.int(load.acceptedEvents / load.seconds)} events/s` +
        (mode === "on" ? ` (counter says ${counted === null ? "nothing" : fmt.int(counted)} accepted; ${scrapes} scrapes)` : ` (/metrics shows ${counted === null ? "no capture counter" : fmt.int(counted)})`));
    } finally {
      await server.stop();
    }
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
say("");
say(table(
  ["round", "metrics", "events/s", "p99 ms", "server cores", "rest of the machine"],
  runs.map((r) => [String(r.round), r.mode, fmt.int(r.eventsPerSec), fmt.fixed(r.p99, 1), fmt.fixed(r.serverCores, 2), fmt.fixed(r.rest, 2)]),
));
const on = median(runs.filter((r) => r.mode === "on").map((r) => r.eventsPerSec));
const off = median(runs.filter((r) => r.mode === "off").map((r) => r.eventsPerSec));
const pairs = Array.from({ length: ROUNDS }, (_, i) => {
  const a = runs.find((r) => r.round === i + 1 && r.mode === "on")!;
  const b = runs.find((r) => r.round === i + 1 && r.mode === "off")!;
  return 1 - a.eventsPerSec / b.eventsPerSec;
});
say("");
say(`median events/s: metrics on ${fmt.int(on)}, off (the reference) ${fmt.int(off)}: cost ${fmt.fixed(100 * (1 - on / off), 1)}% of throughput (bar: under 5%)`);
say(`cost per round (on vs off of the same round): ${pairs.map((p) => `${fmt.fixed(100 * p, 1)}%`).join(", ")}`);
const counted = runs.filter((r) => r.mode === "on").every((r) => r.counted === N);
say(`check: every "on" run counted all ${fmt.int(N)} events in foresight_capture_events_total: ${counted ? "OK" : "FAILED"}`);
const silent = runs.filter((r) => r.mode === "off").every((r) => r.counted === null || r.counted === 0);
say(`check: "off" runs counted nothing: ${silent ? "OK" : "FAILED"}`);
if (!counted || !silent) process.exitCode = 1;
