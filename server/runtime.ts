import cluster, { type Worker } from "node:cluster";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { flagService } from "./flags/service";
import type { Runner } from "graphile-worker";
import type { Config } from "./config";
import { connectDatabase } from "./db/client";
import { deployMigrations } from "./db/migrations";
import { openDatabase, type OpenedDatabase } from "./db/open-database";
import { assertPortFree } from "./db/embedded";
import { createDeps, type Deps } from "./deps";
import { createLogger, type Logger } from "./logger";
import { firstRun, type FirstRunReport } from "./bootstrap/first-run";
import { loadDemoOnFirstStart } from "./bootstrap/demo-data";
import { createHttpApp, listen, type WebServer } from "./http";
import { ensureRemixBuild } from "./remix-build";
import { captureError, flushSentry, initSentry } from "./monitoring/sentry";
import { startWorker } from "../workers/runner";
import { startMetricsSampler } from "./monitoring/metric-sampler";
import { ensureEventPartitions } from "./ingest/partitions";
import { createCaptureService, wireCaptureHooks, type CaptureService } from "./ingest/service";

export interface RunOptions {
  web: boolean;
  worker: boolean;
}

/** Runs web and/or worker until SIGINT/SIGTERM, then stops everything it started, in order. */
export async function runForesight(config: Config, opts: RunOptions): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  const say = (msg: string) => process.stderr.write(msg + "\n");
  initSentry({ dsn: config.SENTRY_DSN, environment: config.SENTRY_ENVIRONMENT });
  const webProcesses = opts.web ? config.FORESIGHT_WEB_PROCESSES : 1;

  if (opts.web && !cluster.isWorker) {
    await assertPortFree(config.PORT, config.HOST).catch((err: Error) => {
      throw new Error(`PORT: ${err.message}`);
    });
    ensureRemixBuild(say);
  }

  const stack: Stack = [];
  let stopping: Promise<void> | null = null;
  const shutdown = (code: number) => {
    stopping ??= (async () => {
      if (!cluster.isWorker) say("\nStopping Foresight...");
      for (const part of stack.reverse()) {
        await part.stop().catch((err) => logger.error({ err, part: part.name }, "stop failed"));
      }
      await flushSentry();
      process.exit(code);
    })();
    return stopping;
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  process.on("uncaughtException", (err) => {
    logger.fatal({ err }, "uncaught exception");
    captureError(err, { kind: "process" });
    void shutdown(1);
  });
  process.on("unhandledRejection", (err) => {
    logger.error({ err }, "unhandled rejection");
    captureError(err, { kind: "process" });
  });

  if (cluster.isWorker) {
    // A web process forked by the primary below: the database is ready, it only serves HTTP.
    try {
      const db = connectDatabase(config.DATABASE_URL!);
      stack.push({ name: "database pool", stop: () => db.close() });
      const index = process.env.FORESIGHT_WEB_INDEX ?? String(cluster.worker!.id);
      const deps = createDeps(config, db, logger);
      if (config.FORESIGHT_METRICS) stack.push({ name: "metrics sampler", stop: startMetricsSampler(deps) });
      await serveWeb(deps, stack, `w${index}`);
    } catch (err) {
      say(`foresight: ${(err as Error).message}`);
      await shutdown(1);
    }
    return;
  }

  try {
    const opened: OpenedDatabase = await openDatabase(config, logger);
    stack.push({ name: "postgres", stop: () => opened.stop() });
    await deployMigrations(opened.url, { log: (m) => logger.info(m) });
    const db = connectDatabase(opened.url);
    stack.push({ name: "database pool", stop: () => db.close() });
    const deps = createDeps(config, db, logger);
    if (config.FORESIGHT_METRICS) stack.push({ name: "metrics sampler", stop: startMetricsSampler(deps) });
    await ensureEventPartitions(db.pool);

    let report: FirstRunReport | null = null;
    if (opts.web) report = await firstRun(db.prisma, config);

    if (opts.worker) {
      const runner: Runner = await startWorker(deps);
      stack.push({ name: "worker", stop: () => runner.stop() });
    }
    let web: WebServer | null = null;
    if (opts.web && webProcesses > 1) {
      const capture = await createCaptureService(deps);
      stack.push({ name: "capture writer", stop: () => capture.close() });
      await replayOtherSpools(deps, stack, webProcesses);
      const workers = await forkWebProcesses(webProcesses, opened.url, logger, () => stopping !== null);
      stack.push({ name: "web processes", stop: () => workers.stop() });
      web = { url: `http://${config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST}:${config.PORT}`, port: config.PORT, close: async () => {} };
      say(banner(deps, opened, web, report, opts) + `  (${webProcesses} web processes)\n`);
      startDemoLoad(config, deps, capture, stack, say, logger);
    } else if (opts.web) {
      const served = await serveWeb(deps, stack, "main");
      web = served.web;
      say(banner(deps, opened, web, report, opts));
      startDemoLoad(config, deps, served.capture, stack, say, logger);
    } else say(banner(deps, opened, web, report, opts));
  } catch (err) {
    say(`foresight: ${(err as Error).message}`);
    await shutdown(1);
  }
}

type Stack = Array<{ name: string; stop: () => Promise<unknown> }>;

function startDemoLoad(config: Config, deps: Deps, capture: CaptureService, stack: Stack, say: (m: string) => void, logger: Logger) {
  if (!config.FORESIGHT_DEMO_DATA) return;
  const abort = new AbortController();
  const loading = loadDemoOnFirstStart(deps, capture, { signal: abort.signal, log: say }).catch((err) => {
    logger.error({ err }, "demo data load failed; it is retried on the next start");
  });
  stack.push({ name: "demo data", stop: () => (abort.abort(), loading) });
}

/** Serves HTTP with its own capture writer, spooling to `spool/<spoolName>`. */
async function serveWeb(deps: Deps, stack: Stack, spoolName: string) {
  const { config } = deps;
  const capture = await createCaptureService(deps, { spoolDir: path.join(config.FORESIGHT_DATA_DIR, "spool", spoolName) });
  wireCaptureHooks(deps, capture);
  stack.push({ name: "capture writer", stop: () => capture.close() });
  // Stopped after the web server (the stack unwinds last-in first): counts of the last requests are written.
  stack.push({ name: "flag evaluation counts", stop: () => flagService(deps).close() });
  const web = await listen(await createHttpApp(deps, { capture }), config.PORT, config.HOST);
  stack.push({ name: "web", stop: () => web.close() });
  return { capture, web };
}

/** Spool directories of web processes that will not run now (fewer processes than last time) are replayed here. */
async function replayOtherSpools(deps: Deps, stack: Stack, processes: number) {
  const root = path.join(deps.config.FORESIGHT_DATA_DIR, "spool");
  if (!existsSync(root)) return;
  const wanted = new Set(["main", ...Array.from({ length: processes }, (_, i) => `w${i + 1}`)]);
  for (const dir of readdirSync(root)) {
    if (wanted.has(dir)) continue;
    const leftover = await createCaptureService(deps, { spoolDir: path.join(root, dir) });
    stack.push({ name: `spool ${dir}`, stop: () => leftover.close() });
  }
}

/** Forks web processes sharing the port; replaces one that dies unless Foresight is stopping. */
async function forkWebProcesses(n: number, databaseUrl: string, logger: Logger, stopping: () => boolean) {
  const live = new Map<number, Worker>();
  const fork = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const w = cluster.fork({ DATABASE_URL: databaseUrl, FORESIGHT_WEB_INDEX: String(index) });
      live.set(index, w);
      w.once("listening", () => resolve());
      w.once("exit", (code, signal) => {
        live.delete(index);
        if (stopping()) return;
        logger.error({ index, code, signal }, "web process exited; starting another");
        reject(new Error(`web process ${index} exited (${signal ?? code}) before listening`));
        setTimeout(() => void fork(index).catch(() => {}), 1000);
      });
    });
  await Promise.all(Array.from({ length: n }, (_, i) => fork(i + 1)));
  return {
    async stop() {
      await Promise.all(
        [...live.values()].map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              const timer = setTimeout(() => w.process.kill("SIGKILL"), 20_000);
              w.once("exit", () => (clearTimeout(timer), resolve()));
              w.process.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

function banner(deps: Deps, db: OpenedDatabase, web: WebServer | null, report: FirstRunReport | null, opts: RunOptions) {
  const lines = [""];
  if (web) lines.push(`Foresight is running at ${deps.config.PUBLIC_URL ?? web.url}`);
  if (opts.worker) lines.push(opts.web ? "  Background worker: running in this process" : "Foresight worker is running");
  lines.push(db.embedded ? `  Database: embedded PostgreSQL on port ${db.embedded.port}, data in ${db.embedded.dataDir}` : "  Database: DATABASE_URL");
  if (report?.admin) {
    lines.push(`  Log in as ${report.admin.email}` + (report.admin.password ? ` with password ${report.admin.password}` : " with FORESIGHT_ADMIN_PASSWORD"));
    if (report.admin.password) lines.push("  (this password is shown only now: keep it, or change it under Settings)");
  } else if (web) {
    lines.push("  Log in with the admin account created on first start (FORESIGHT_ADMIN_EMAIL, default admin@foresight.local)");
  }
  if (report?.project) {
    lines.push(`  Project "${report.project.name}" keys (shown once):`);
    if (report.project.writeKey) lines.push(`    write key  ${report.project.writeKey}`);
    if (report.project.secretKey) lines.push(`    secret key ${report.project.secretKey}`);
  }
  lines.push("  Press Ctrl-C to stop.", "");
  return lines.join("\n");
}
