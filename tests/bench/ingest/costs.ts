/**
 * Where the ingest CPU goes, per event, without HTTP and without timing noise from other work:
 * runs the benchmark's events through the real capture pipeline and writer in this process
 * (the server under test only provides its embedded PostgreSQL), and charges every statement the
 * CPU its PostgreSQL backend used for it (/proc/<pid>/schedstat, in ns, read before and after:
 * a backend runs nothing else meanwhile). Node's CPU is this process's (process.cpuUsage).
 * A diagnostic, not a benchmark: `npx tsx tests/bench/ingest/costs.ts [--events N] [--concurrency N]`.
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PerformanceObserver, constants as perfConstants } from "node:perf_hooks";
import pg from "pg";
import { createLogger } from "../../../server/logger";
import { decodeBodyChecked } from "../../../server/ingest/body";
import { parsePosthog } from "../../../server/ingest/parse/posthog";
import { CapturePipeline } from "../../../server/ingest/pipeline";
import { ProjectKeyCache } from "../../../server/ingest/project-keys";
import { EventRateLimiter } from "../../../server/ingest/rate-limit";
import { SessionTracker } from "../../../server/ingest/sessions";
import { Spool } from "../../../server/ingest/spool";
import { IngestWriter } from "../../../server/ingest/writer";
import { fmt, table } from "../support/table";
import { BenchDb } from "./db-variants";
import { generateEvents, USER_AGENTS } from "./events";
import { startForesight } from "./foresight-process";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "300000" },
    users: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "64" },
    seed: { type: "string", default: "42" },
    profile: { type: "boolean", default: false },
  },
});
const N = Number(args.events);
const say = (s = "") => process.stdout.write(s + "\n");

function backendNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return 0;
  }
}

function label(text: string): string {
  const q = text.replace(/\s+/g, " ").trim().toLowerCase();
  if (q.startsWith("begin")) return "begin, locks, recent merges";
  if (q.startsWith("commit")) return "commit";
  if (q.startsWith("copy")) return "copy events";
  const m = q.match(/^(with \w+ as \( )?(insert into|update|select|delete from) (\w+)?/);
  return m ? `${m[2]} ${m[3] ?? ""}`.trim() : q.slice(0, 40);
}

interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function, in µs per event. */
function selfTimes(p: Profile, events: number): string {
  const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const by = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const f = frames.get(p.samples[i]!)!;
    const where = f.url.includes("node_modules") ? f.url.replace(/.*node_modules\//, "").split("/")[0] : f.url.replace(/.*\/work\/main\//, "");
    const k = `${f.functionName || "(anonymous)"} ${where}`;
    by.set(k, (by.get(k) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  }
  const rows = [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
  return table(["function (self time)", "µs/event"], rows.map(([k, us]) => [k, fmt.fixed(us / events, 2)]));
}

/** What server/ingest/routes.ts makes of a JSON body sent to /batch. */
function parsedAsRoutesDo(body: Buffer) {
  const decoded = decodeBodyChecked(body, "application/json", undefined, new URLSearchParams());
  const parsed = parsePosthog(decoded.body);
  parsed.plainStrings = decoded.plainStrings;
  return parsed;
}

async function main() {
  const server = await startForesight({});
  const spoolDir = mkdtempSync(path.join(os.tmpdir(), "foresight-costs-spool-"));
  try {
    const db = await BenchDb.connect(server.databaseUrl);
    const project = await db.projectOf(server.writeKey);
    const pool = new pg.Pool({ connectionString: server.databaseUrl, max: 10 });
    const cost = new Map<string, { ns: number; calls: number }>();
    const charge = (l: string, ns: number) => {
      const c = cost.get(l) ?? { ns: 0, calls: 0 };
      c.ns += ns;
      c.calls++;
      cost.set(l, c);
    };
    const wrap = (client: pg.Client) => {
      const pid = (client as unknown as { processID: number }).processID;
      const orig = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
        const first = a[0] as string | { text?: string; submit?: unknown };
        const text = typeof first === "string" ? first : (first.text ?? "copy");
        const t0 = backendNs(pid);
        const done = () => charge(label(text), backendNs(pid) - t0);
        const cb = a.findIndex((x) => typeof x === "function");
        if (cb >= 0) {
          const f = a[cb] as (...r: unknown[]) => void;
          a[cb] = (...r: unknown[]) => (done(), f(...r));
          return orig(...a);
        }
        const r = orig(...a) as { then?: unknown; done?: Promise<unknown>; on?: (e: string, f: () => void) => void };
        if (typeof r?.then === "function") (r as Promise<unknown>).then(done, done);
        else if (r?.done instanceof Promise) r.done.then(done, done);
        else r?.on?.("finish", done);
        return r;
      };
    };
    pool.on("connect", (c) => wrap(c as unknown as pg.Client));
    // pool.query goes through a client's query too.

    const logger = createLogger("warn");
    const writer = new IngestWriter(pool, new Spool(spoolDir), logger);
    const pipeline = new CapturePipeline(new ProjectKeyCache(pool), new EventRateLimiter(), new SessionTracker(), writer, "costs-secret");
    const gen = generateEvents({ n: N, users: Number(args.users), batch: 100, apiKey: server.writeKey, seed: Number(args.seed), now: Date.now() }, () => {});
    say(`${fmt.int(N)} events, ${gen.bodies.length} bodies, project ${project.id}`);
    await pool.query("select 1");

    const session = args.profile ? new Session() : null;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    const gc = new Map<string, { ms: number; n: number }>();
    const kinds: Record<number, string> = {
      [perfConstants.NODE_PERFORMANCE_GC_MINOR]: "scavenge",
      [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: "mark-compact",
      [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental marking",
      [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
    };
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const k = kinds[(e as unknown as { detail: { kind: number } }).detail.kind] ?? "other";
        const g = gc.get(k) ?? { ms: 0, n: 0 };
        g.ms += e.duration;
        g.n++;
        gc.set(k, g);
      }
    });
    gcObserver.observe({ entryTypes: ["gc"] });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    const request = (i: number) => ({
      parsed: parsedAsRoutesDo(gen.bodies[i]!),
      headerKey: null,
      ip: "127.0.0.1",
      userAgent: USER_AGENTS[i % USER_AGENTS.length]!,
      headers: {},
    });
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= gen.bodies.length) return;
        // As the route does: the parsed body is not held by this frame while the write waits.
        await pipeline.capture(request(i));
      }
    };
    await Promise.all(Array.from({ length: Number(args.concurrency) }, worker));
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const nodeUs = (cpu.user + cpu.system) / N;
    gcObserver.disconnect();
    say(`GC pauses on the main thread: ${[...gc.entries()].map(([k, g]) => `${k} ${g.n}x ${fmt.fixed((g.ms * 1000) / N, 2)} µs/event`).join(", ")}`);
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      say(selfTimes(profile as unknown as Profile, N));
    }
    await writer.close();
    const c = await db.contents();
    say(`stored ${fmt.int(c.rows)} rows (${fmt.int(c.distinctUuids)} distinct), about ${c.transactions} transactions; wall ${fmt.fixed(wall, 2)} s (${fmt.int(N / wall)} events/s, no HTTP)`);
    const pgNs = [...cost.values()].reduce((s, x) => s + x.ns, 0);
    say(table(
      ["where", "calls", "µs/event", "ms/call"],
      [
        ["node (this process: pipeline + writer)", "", fmt.fixed(nodeUs, 2), ""],
        ["postgres, all statements", "", fmt.fixed(pgNs / 1000 / N, 2), ""],
        ...[...cost.entries()].sort((a, b) => b[1].ns - a[1].ns).map(([l, x]) => ["  " + l, String(x.calls), fmt.fixed(x.ns / 1000 / N, 2), fmt.fixed(x.ns / 1e6 / x.calls, 2)]),
      ],
    ));
    await pool.end();
    await db.close();
  } finally {
    await server.stop();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
