import { Session } from "node:inspector/promises";
import path from "node:path";
import { repoRoot } from "../../../server/config";
import { readFileSync } from "node:fs";
import { CLOCK_TICKS, processTree } from "../ingest/proc-stats";

/** utime + stime (+ cutime + cstime: children it has reaped) of a process, in seconds. */
function cpuOf(pid: number, withReaped: boolean): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    // f[0] is field 3; utime is field 14, stime 15, cutime 16, cstime 17.
    const own = Number(f[11]) + Number(f[12]);
    return (withReaped ? own + Number(f[13]) + Number(f[14]) : own) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of the PostgreSQL server: the postmaster with what it reaped (backends and parallel
 * workers that exited) plus its live children, so short-lived parallel workers count.
 */
function postgresCpu(postmaster: number): number {
  let sum = cpuOf(postmaster, true);
  for (const pid of processTree(postmaster)) if (pid !== postmaster) sum += cpuOf(pid, false);
  return sum;
}

/** CPU seconds spent by this process and by the PostgreSQL server's tree between two points. */
/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusy(): number {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / CLOCK_TICKS;
}

/** CPU seconds of this process, of PostgreSQL and of everything else on the machine between two points. */
export function cpuMeter(pgPid: number | null) {
  const take = () => {
    const u = process.cpuUsage();
    return { node: (u.user + u.system) / 1e6, pg: pgPid ? postgresCpu(pgPid) : 0, machine: machineBusy(), at: performance.now() };
  };
  const start = take();
  return {
    stop() {
      const end = take();
      const node = end.node - start.node;
      const postgres = end.pg - start.pg;
      return { wall: (end.at - start.at) / 1000, node, postgres, others: Math.max(0, end.machine - start.machine - node - postgres) };
    },
  };
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

/** In-process V8 CPU profile of `fn`; returns self time by function and by file. */
export async function profiled<T>(fn: () => Promise<T>): Promise<{ value: T; byFunction: Array<[string, number]>; byFile: Array<[string, number]>; totalMs: number }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  let value: T | undefined;
  let failure: unknown = null;
  try {
    value = await fn();
  } catch (err) {
    failure = err;
  }
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
  session.disconnect();
  if (failure) throw failure;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const f = frames.get(profile.samples[i]!)!;
    const file = placeOf(f.url, f.functionName);
    const name = file === f.functionName ? file : `${f.functionName || "(anonymous)"}  ${file}`;
    fns.set(name, (fns.get(name) ?? 0) + ms);
    files.set(file, (files.get(file) ?? 0) + ms);
    total += ms;
  }
  const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { value: value as T, byFunction: top(fns, 15), byFile: top(files, 10), totalMs: total };
}

function placeOf(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const p = url.replace(/^file:\/\//, "");
  const m = p.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1]!;
  if (p.startsWith("node:")) return p;
  return path.relative(repoRoot, p);
}
