import type { Command } from "commander";
import type pg from "pg";
import type { Config } from "../config";
import { connectDatabase } from "../db/client";
import { openDatabase } from "../db/open-database";
import { createLogger } from "../logger";
import { zonedTime } from "../query/date-range";
import { refreshRollups, rollupFreshness } from "../rollups";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(name: string) {
  return (v: string) => {
    if (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new Error(`--${name}: use a date like 2026-11-01 (got "${v}")`);
    return v;
  };
}

/** Noon of a calendar day in a timezone: an instant inside that project-timezone day. */
function inDay(text: string, tz: string): Date {
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  return zonedTime(tz, y, m, d, 12, 0, 0);
}

interface ProjectRow {
  id: string;
  slug: string;
  timezone: string;
}

async function projects(pool: pg.Pool, slug?: string): Promise<ProjectRow[]> {
  const { rows } = await pool.query<ProjectRow>(
    `select id, slug, timezone from projects where ($1::text is null or slug = $1) order by created_at, id`,
    [slug ?? null],
  );
  if (slug && rows.length === 0) throw new Error(`--project: no project with slug "${slug}"`);
  return rows;
}

/** Opens the configured database, runs `fn`, prints errors as one line, exits. */
async function withPool(config: Config, fn: (pool: pg.Pool) => Promise<void>): Promise<never> {
  const logger = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL);
  const opened = await openDatabase(config, logger);
  const db = connectDatabase(opened.url, { max: 2, applicationName: "foresight-rollups" });
  let code = 0;
  try {
    await fn(db.pool);
  } catch (err) {
    process.stderr.write(`foresight: ${(err as Error).message}\n`);
    code = 1;
  } finally {
    await db.close();
    await opened.stop();
  }
  process.exit(code);
}

export function registerRollupsCommand(program: Command, config: () => Config): void {
  const rollups = program.command("rollups").description("Rollup tables (daily event counts, person-days): rebuild and inspect");

  rollups
    .command("backfill")
    .description("Recompute every day of a range (project timezone days, inclusive), stale or not")
    .requiredOption("--from <date>", "first day, YYYY-MM-DD", day("from"))
    .requiredOption("--to <date>", "last day, YYYY-MM-DD", day("to"))
    .option("--project <slug>", "only this project (default: every project)")
    .action((o: { from: string; to: string; project?: string }) =>
      withPool(config(), async (pool) => {
        if (o.to < o.from) throw new Error(`--to: ${o.to} is before --from ${o.from}`);
        for (const p of await projects(pool, o.project)) {
          const r = await refreshRollups(pool, p.id, { from: inDay(o.from, p.timezone), to: inDay(o.to, p.timezone), full: true });
          process.stdout.write(`${p.slug}: recomputed ${r.daysRecomputed} days (${o.from} to ${o.to}, ${p.timezone}) in ${r.ms} ms\n`);
        }
      }),
    );

  rollups
    .command("refresh")
    .description("Recompute the stale days now (what the every-minute job does)")
    .option("--project <slug>", "only this project (default: every project)")
    .action((o: { project?: string }) =>
      withPool(config(), async (pool) => {
        for (const p of await projects(pool, o.project)) {
          const r = await refreshRollups(pool, p.id);
          process.stdout.write(`${p.slug}: recomputed ${r.daysRecomputed} days${r.remaining ? `, ${r.remaining} left for the next run` : ""} in ${r.ms} ms\n`);
        }
      }),
    );

  rollups
    .command("status")
    .description("Days computed and their freshness over the last N days")
    .option("--project <slug>", "only this project (default: every project)")
    .option("--days <n>", "how many days back from today", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 3660) throw new Error(`--days: use a whole number from 1 to 3660 (got "${v}")`);
      return n;
    }, 30)
    .option("--json", "print JSON")
    .action((o: { project?: string; days: number; json?: boolean }) =>
      withPool(config(), async (pool) => {
        const out = [];
        for (const p of await projects(pool, o.project)) {
          const { rows } = await pool.query<{ computed: number; first: string | null; last: string | null }>(
            `select count(*)::int as computed, min(day)::text as first, max(day)::text as last
               from rollup_day_states where project_id = $1 and rollup = 'event_days'`,
            [p.id],
          );
          const now = new Date();
          const f = await rollupFreshness(pool, p.id, { from: new Date(now.getTime() - (o.days - 1) * 86_400_000), to: now });
          const row = {
            project: p.slug,
            timezone: p.timezone,
            daysComputed: rows[0]!.computed,
            firstDay: rows[0]!.first,
            lastDay: rows[0]!.last,
            scanLine: f.scanLine,
            window: { days: f.days.length, fresh: f.freshDays, from: f.days[0], to: f.days[f.days.length - 1] },
            dataWatermark: f.dataWatermark,
            stale: f.stale,
          };
          out.push(row);
          if (!o.json) {
            process.stdout.write(
              `${p.slug} (${p.timezone}): ${row.daysComputed} days computed (${row.firstDay ?? "-"} to ${row.lastDay ?? "-"}), ` +
                `last ${row.window.days} days: ${row.window.fresh} fresh, ${f.stale.length} stale; data watermark ${row.dataWatermark ?? "-"}; scan line ${row.scanLine ?? "never"}\n`,
            );
            for (const s of f.stale) process.stdout.write(`  stale ${s.day}: ${s.reason}\n`);
          }
        }
        if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + "\n");
      }),
    );
}
