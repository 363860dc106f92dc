import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot } from "../../server/config";
import { SERVER_NODE_FLAGS } from "../../server/node-flags";

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Ctrl-C as a terminal sends it: SIGINT to the whole process group. */
  ctrlC(): void;
}

// Whatever happens to a test, nothing it spawned outlives the test process: each server runs as
// its own process group (with its PostgreSQL and web processes), killed whole on exit.
const live = new Set<number>();
process.on("exit", () => {
  for (const pgid of live) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** Runs `foresight <args>` as its own process group with the node options `npm start` gives, the way a terminal runs it. */
export function spawnForesight(args: string[], env: Record<string, string | undefined>): Spawned {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(repoRoot, "bin", "foresight.mjs"), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on("data", (c: Buffer) => {
      out += c.toString();
      listeners.forEach((l) => l());
    });
  }
  live.add(child.pid!);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      live.delete(child.pid!);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    ctrlC: () => process.kill(-child.pid!, "SIGINT"),
    waitForOutput(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${re} in output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        exited.then(() => setTimeout(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited before ${re}; output:\n${out}`));
          }
        }, 50));
        check();
      });
    },
  };
}
