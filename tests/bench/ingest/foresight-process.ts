import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { repoRoot } from "../../../server/config";
import { freePort } from "../../../server/db/embedded";
import { identity, processTree } from "./proc-stats";
import { SERVER_NODE_FLAGS } from "../../../server/node-flags";

export interface ForesightUnderTest {
  url: string;
  pid: number;
  /** The embedded cluster's `foresight` database, for the benchmark's own connections. */
  databaseUrl: string;
  writeKey: string;
  dataDir: string;
  /** Every process seen in the server's tree (node, postgres and its backends), as pid:starttime. */
  seenPids: Set<string>;
  output(): string;
  /** SIGINT to the server, wait for it (it stops its PostgreSQL), then check nothing is left. */
  stop(): Promise<{ leftovers: number[] }>;
}

/**
 * `foresight web` as a child process on a free port with its own embedded PostgreSQL (temp data
 * dir, free port), no demo data, a known write key. `nodeArgs` go to that node process (--cpu-prof,
 * which NODE_OPTIONS does not accept). Its own process group, so a Ctrl-C reaches the benchmark
 * only, and the benchmark stops the server in order.
 */
export async function startForesight(
  opts: { nodeArgs?: string[]; keepDataDir?: boolean; webProcesses?: number; writeKey?: string; env?: Record<string, string> } = {},
): Promise<ForesightUnderTest> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-bench-"));
  const writeKey = opts.writeKey ?? "bench_" + randomBytes(16).toString("hex");
  const [port, pgPort] = [await freePort(), await freePort()];
  const child = spawnWeb(opts.nodeArgs ?? [], {
    HOST: "127.0.0.1",
    PORT: String(port),
    FORESIGHT_PG_PORT: String(pgPort),
    FORESIGHT_DATA_DIR: dataDir,
    FORESIGHT_ADMIN_PASSWORD: "bench-admin-password",
    FORESIGHT_WRITE_KEY: writeKey,
    FORESIGHT_DEMO_DATA: "false",
    FORESIGHT_WEB_PROCESSES: String(opts.webProcesses ?? 1),
    LOG_LEVEL: "warn",
    ...(process.env.FORESIGHT_INGEST_CONNECTIONS ? { FORESIGHT_INGEST_CONNECTIONS: process.env.FORESIGHT_INGEST_CONNECTIONS } : {}),
    ...opts.env,
  });
  const seenPids = new Set<string>();
  const see = () => processTree(child.proc.pid!).forEach((p) => {
    const id = identity(p);
    if (id) seenPids.add(id);
  });
  see();
  const watch = setInterval(see, 500);
  const removeDir = () => {
    if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  let stopped: Promise<{ leftovers: number[] }> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      clearInterval(watch);
      see();
      if (child.proc.exitCode === null && child.proc.signalCode === null) {
        child.proc.kill("SIGINT");
        const timer = setTimeout(() => child.proc.kill("SIGKILL"), 60_000);
        await child.exited;
        clearTimeout(timer);
      }
      // PostgreSQL is stopped by the server; give its last processes a moment to disappear.
      let leftovers: number[] = [];
      for (let i = 0; i < 50; i++) {
        leftovers = [...seenPids].filter((id) => identity(Number(id.split(":")[0])) === id).map((id) => Number(id.split(":")[0]));
        if (!leftovers.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      removeDir();
      return { leftovers };
    })());

  try {
    const m = await child.waitForOutput(/Foresight is running at (\S+)/, 180_000);
    const password = readFileSync(path.join(dataDir, "pg-password"), "utf8").trim();
    return {
      url: m[1]!,
      pid: child.proc.pid!,
      databaseUrl: `postgresql://foresight:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/foresight`,
      writeKey,
      dataDir,
      seenPids,
      output: child.output,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function spawnWeb(nodeArgs: string[], env: Record<string, string>) {
  const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, path.join(repoRoot, "bin", "foresight.mjs"), "web"], {
    cwd: repoRoot,
    // Only what the server needs: no DATABASE_URL or other FORESIGHT_* from the caller's shell.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const changed = new Set<() => void>();
  for (const s of [proc.stdout, proc.stderr]) {
    s.on("data", (c: Buffer) => {
      out += c.toString();
      changed.forEach((f) => f());
    });
  }
  const exited = new Promise<void>((resolve) => proc.on("exit", () => {
    resolve();
    changed.forEach((f) => f());
  }));
  const waitForOutput = (re: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const done = (err: Error | null, m?: RegExpMatchArray) => {
        changed.delete(look);
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(m!);
      };
      const look = () => {
        const m = out.match(re);
        if (m) done(null, m);
        else if (proc.exitCode !== null || proc.signalCode !== null) done(new Error(`foresight web exited before ${re}; output:\n${out}`));
      };
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${re}; output:\n${out}`)), timeoutMs);
      changed.add(look);
      look();
    });
  return { proc, exited, output: () => out, waitForOutput };
}

