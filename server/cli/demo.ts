import type { Command } from "commander";
import type { Config } from "../config";
import { connectDatabase } from "../db/client";
import { deployMigrations } from "../db/migrations";
import { openDatabase } from "../db/open-database";
import { createDeps } from "../deps";
import { createLogger } from "../logger";
import { loadDemoData } from "../bootstrap/demo-data";
import { firstRun } from "../bootstrap/first-run";
import { ensureEventPartitions } from "../ingest/partitions";
import { createCaptureService } from "../ingest/service";

const positive = (name: string, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name}: use a whole number from 1 to ${max} (got "${v}")`);
  return n;
};

export function registerDemoCommand(program: Command, config: () => Config): void {
  program
    .command("demo")
    .description("Generate travel-site demo data and load it through the ingest pipeline (deterministic per seed; safe to re-run)")
    .option("--days <n>", "days of history, ending today", positive("days", 364), 90)
    .option("--persons <n>", "people visiting in that period", positive("persons", 2_000_000), 3000)
    .option("--seed <seed>", "generator seed", "42")
    .option("--project <slug>", "project to load into (default: the first project)")
    .action(async (o: { days: number; persons: number; seed: string; project?: string }) => {
      const cfg = config();
      const logger = createLogger(cfg.LOG_LEVEL === "info" ? "warn" : cfg.LOG_LEVEL);
      const opened = await openDatabase(cfg, logger);
      let code = 0;
      try {
        await deployMigrations(opened.url);
        const db = connectDatabase(opened.url);
        const deps = createDeps(cfg, db, logger);
        await ensureEventPartitions(db.pool);
        const first = await firstRun(db.prisma, cfg);
        if (first.admin?.password) process.stderr.write(`Created admin ${first.admin.email} with password ${first.admin.password} (shown once)\n`);
        const project = o.project ? await db.prisma.project.findUnique({ where: { slug: o.project } }) : null;
        if (o.project && !project) throw new Error(`--project: no project with slug "${o.project}"`);
        const capture = await createCaptureService(deps);
        const abort = new AbortController();
        process.once("SIGINT", () => abort.abort());
        const r = await loadDemoData(deps, capture, {
          seed: o.seed,
          days: o.days,
          persons: o.persons,
          projectId: project?.id,
          signal: abort.signal,
          log: (m) => process.stderr.write(m + "\n"),
        });
        await capture.close();
        await db.close();
        process.stdout.write(
          `${abort.signal.aborted ? "Stopped after" : "Loaded"} ${r.events.toLocaleString("en")} events into "${r.project.name}" in ${r.seconds.toFixed(1)} s` +
            ` (${Math.round(r.events / Math.max(r.seconds, 0.001)).toLocaleString("en")} events/s)${r.rejected ? `, ${r.rejected} rejected` : ""}\n`,
        );
      } catch (err) {
        process.stderr.write(`foresight: ${(err as Error).message}\n`);
        code = 1;
      } finally {
        await opened.stop();
      }
      process.exit(code);
    });
}
