import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Linux /proc readings for a process tree: CPU time, peak and sampled memory. */

export const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
  /** user + system CPU seconds. */
  cpu: number;
  startTime: number;
}

function readStat(pid: number): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = s.lastIndexOf(")");
    const f = s.slice(close + 2).split(" ");
    // f[0] is field 3 (state); utime is field 14, stime 15, starttime 22.
    return {
      pid,
      ppid: Number(f[1]),
      comm: s.slice(s.indexOf("(") + 1, close),
      state: f[0]!,
      cpu: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS,
      startTime: Number(f[19]),
    };
  } catch {
    return null;
  }
}

/** `root` and all its descendants (a scan of /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!pid) continue;
    const st = readStat(pid);
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push(pid);
    children.set(st.ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

/** kB fields of /proc/<pid>/status (VmHWM, VmRSS) and smaps_rollup (Pss). */
function kb(file: string, field: string): number {
  try {
    const m = readFileSync(file, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** node (the server), postgres backends serving connections, postgres's own background processes. */
export type Role = "server node" | "postgres backends" | "postgres background" | "other children";

function roleOf(pid: number, root: number): Role {
  if (pid === root) return "server node";
  const cmd = cmdline(pid);
  if (/^postgres: \S+ \S+ \d+\.\d+\.\d+\.\d+/.test(cmd)) return "postgres backends";
  if (/postgres/.test(cmd) || readStat(pid)?.comm === "postgres") return "postgres background";
  return "other children";
}

export interface CpuSnapshot {
  at: number;
  /** CPU seconds per role (processes that exited in between are not counted). */
  byPid: Map<string, { role: Role; cpu: number }>;
  bench: number;
  machineBusy: number;
  machineTotal: number;
}

function machineTimes(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

export function cpuSnapshot(root: number): CpuSnapshot {
  const byPid = new Map<string, { role: Role; cpu: number }>();
  for (const pid of processTree(root)) {
    const st = readStat(pid);
    if (st) byPid.set(`${pid}:${st.startTime}`, { role: roleOf(pid, root), cpu: st.cpu });
  }
  const u = process.cpuUsage();
  const m = machineTimes();
  return { at: performance.now(), byPid, bench: (u.user + u.system) / 1e6, machineBusy: m.busy, machineTotal: m.total };
}

export interface CpuSplit {
  seconds: number;
  /** CPU seconds per role, plus "benchmark process" and "rest of the machine". */
  cpu: Record<string, number>;
  machineCores: number;
}

export function cpuSplit(a: CpuSnapshot, b: CpuSnapshot): CpuSplit {
  const cpu: Record<string, number> = {};
  for (const [key, v] of b.byPid) cpu[v.role] = (cpu[v.role] ?? 0) + v.cpu - (a.byPid.get(key)?.cpu ?? 0);
  cpu["benchmark process"] = b.bench - a.bench;
  const ours = Object.values(cpu).reduce((s, x) => s + x, 0);
  cpu["rest of the machine"] = Math.max(0, b.machineBusy - a.machineBusy - ours);
  const seconds = (b.at - a.at) / 1000;
  return { seconds, cpu, machineCores: (b.machineTotal - a.machineTotal) / seconds };
}

export interface MemoryPeak {
  /** VmHWM of the server's node process, MB. */
  nodeHwm: number;
  /** Sum of VmHWM over the postgres processes, MB (shared buffers count once per process). */
  postgresHwmSum: number;
  /** Highest sampled sum of PSS over the whole tree, MB (shared pages split between processes). */
  treePssPeak: number;
}

/** Samples the tree's PSS every `everyMs` until stopped; reads VmHWM at the end. */
export function watchMemory(root: number, everyMs = 250): { stop(): MemoryPeak } {
  let treePssPeak = 0;
  const sample = () => {
    let pss = 0;
    for (const pid of processTree(root)) pss += kb(`/proc/${pid}/smaps_rollup`, "Pss");
    treePssPeak = Math.max(treePssPeak, pss);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      let postgres = 0;
      for (const pid of processTree(root)) if (pid !== root && readStat(pid)?.comm === "postgres") postgres += kb(`/proc/${pid}/status`, "VmHWM");
      return { nodeHwm: kb(`/proc/${root}/status`, "VmHWM") / 1024, postgresHwmSum: postgres / 1024, treePssPeak: treePssPeak / 1024 };
    },
  };
}

/** pid:starttime, so a pid reused by another process later is not mistaken for ours. */
export function identity(pid: number): string | null {
  const st = readStat(pid);
  return st && st.state !== "Z" ? `${pid}:${st.startTime}` : null;
}
