import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../../server/config";
import type { BenchDb } from "./db-variants";

/** --profile: where the server's node process and its database connections spend the HTTP phase. */

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A sample's place: an ingest module, a package, node internals, or V8's own buckets. */
function placeOf(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const file = url.replace(/^file:\/\//, "");
  const pkg = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (file.startsWith("node:")) return "node internals";
  if (file.startsWith(repoRoot)) return path.relative(repoRoot, file);
  return file;
}

export interface ProfileSummary {
  /** Milliseconds of samples inside the window. */
  totalMs: number;
  byPlace: Array<[string, number]>;
  byFunction: Array<[string, number]>;
  /** Time with the function anywhere on the stack (self and callees). */
  inclusive: Array<[string, number]>;
}

/**
 * Self time per place and per function in the `--cpu-prof` file the server wrote for `pid`, for
 * samples between `fromUs` and `toUs` (CLOCK_MONOTONIC microseconds, the clock V8 stamps
 * samples with, as process.hrtime reads it). The whole profile when the window matches nothing.
 */
export function summariseCpuProfile(dir: string, pid: number, fromUs: number, toUs: number): ProfileSummary | null {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile") && f.includes(`.${pid}.`));
  if (!file) return null;
  const prof = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
  const nodes = new Map(prof.nodes.map((n) => [n.id, n.callFrame]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (f: CpuProfile["nodes"][number]["callFrame"]) => {
    const place = placeOf(f.url, f.functionName);
    // Line numbers are those of tsx's transformed output, not of the .ts file: left out.
    const where = place === "node internals" ? f.url.replace(/^node:(internal\/)?/, "node:") : place;
    return place === f.functionName ? place : `${f.functionName || "(anonymous)"}  ${where}`;
  };
  const tally = (windowed: boolean) => {
    const places = new Map<string, number>();
    const fns = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let t = prof.startTime;
    let total = 0;
    for (let i = 0; i < prof.samples.length; i++) {
      t += prof.timeDeltas[i]!;
      if (windowed && (t < fromUs || t > toUs)) continue;
      const ms = (prof.timeDeltas[i + 1] ?? 0) / 1000;
      const f = nodes.get(prof.samples[i]!)!;
      const place = placeOf(f.url, f.functionName);
      places.set(place, (places.get(place) ?? 0) + ms);
      const fn = nameOf(f);
      fns.set(fn, (fns.get(fn) ?? 0) + ms);
      const onStack = new Set<string>();
      for (let id: number | undefined = prof.samples[i]!; id !== undefined; id = parent.get(id)) onStack.add(nameOf(nodes.get(id)!));
      for (const k of onStack) inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
      total += ms;
    }
    return { total, places, fns, inclusive };
  };
  let r = tally(true);
  if (r.total === 0) r = tally(false);
  const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const notRoot = (e: [string, number]) => !["(root)", "(idle)", "(program)", "(garbage collector)"].includes(e[0]);
  return { totalMs: r.total, byPlace: top(r.places, 14), byFunction: top(r.fns, 30), inclusive: top(r.inclusive, 60).filter(notRoot).slice(0, 30) };
}

/** What a server connection was doing, from its state and (last) statement. */
function activity(state: string, query: string, wait: string | null): string {
  const q = query.trim().toLowerCase();
  const kind =
    q.startsWith("begin") ? "begin, locks, recent merges, event id claims"
    : q.startsWith("insert into event_uuids") ? "dedupe insert (event_uuids)"
    : q.startsWith("select project_id, distinct_id") ? "person lookup"
    : q.startsWith("insert into persons") ? "insert persons"
    : q.startsWith("insert into person_distinct_ids") ? "insert person_distinct_ids"
    : q.startsWith("update persons") ? (q.endsWith("commit") ? "update persons (properties) and commit" : "update persons (properties)")
    : q.startsWith("update person_distinct_ids") || q.includes("person_merges") || q.startsWith("update events") ? "person merge"
    : q.startsWith("copy events") ? "COPY events"
    : q.includes("event_definitions") || q.includes("property_definitions") ? "definitions upsert"
    : q === "commit" ? "commit"
    : q === "begin" ? "begin"
    : q.startsWith("update api_keys") ? "key lookup"
    : "other";
  if (state === "active") return `running: ${kind}${wait ? ` (waiting: ${wait})` : ""}`;
  if (state === "idle in transaction") return `waiting on node, in transaction (after ${kind})`;
  return state === "idle" ? "idle (no work)" : state;
}

/**
 * Samples pg_stat_activity for the server's connections every `everyMs` from the benchmark's own
 * connection. Returns, per activity, the mean number of server connections found in it.
 */
export function sampleServerConnections(db: BenchDb, everyMs = 20): { stop(): Promise<{ samples: number; meanConnections: Array<[string, number]> }> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      // A failed sample (the server is stopping on Ctrl-C) ends the sampling.
      const { rows } = await db.client.query(
        `select state, query, wait_event_type || ':' || wait_event as wait from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()
            and application_name = 'foresight'`,
      ).catch(() => ({ rows: null }));
      if (!rows) break;
      samples++;
      for (const r of rows as Array<{ state: string; query: string; wait: string | null }>) {
        const k = activity(r.state, r.query, r.wait);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, meanConnections: [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / Math.max(1, samples)]) };
    },
  };
}
