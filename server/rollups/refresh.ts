import type pg from "pg";
import { zonedParts } from "../query/date-range";
import { render, sql } from "../query/sql";
import { eventDaysSelect, newestInsertSelect, personDaysSelect } from "./compute-sql";
import { addDays, dataDayRange, daysBetween } from "./data-range";
import { FIRST_ROLLUP, ROLLUPS, SCAN_DAY, SCAN_ROLLUP, SLACK_MS } from "./dims";
import { findStaleDays, type StaleReason } from "./stale-days";

/** One job run recomputes at most this many days; the rest wait for the next run. */
export const MAX_DAYS_PER_RUN = 400;

export interface RefreshResult {
  daysRecomputed: number;
  /** Days recomputed, with why. */
  days: { day: string; reason: StaleReason | "full" }[];
  /** Scan line after the run (ISO), null when not advanced (range-limited or capped runs). */
  scanLine: string | null;
  /** Days still stale because the run hit MAX_DAYS_PER_RUN. */
  remaining: number;
  timezone: string;
  ms: number;
}

export interface RefreshOptions {
  /** Only days from the project-timezone day containing `from` ... */
  from?: Date;
  /** ... to the day containing `to` (inclusive). */
  to?: Date;
  /** Recompute every day in the range (or in the project's data range), stale or not. */
  full?: boolean;
}

const localDay = (d: Date, tz: string) => {
  const p = zonedParts(d, tz);
  return `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
};

/**
 * Brings a project's rollups up to date: finds the days that are stale (new or late events,
 * merges, never computed within the data range, computed in another timezone) and recomputes
 * each day as a whole in its own transaction, so a retry or a recount gives the same numbers.
 */
export async function refreshRollups(pool: pg.Pool, projectId: string, opts: RefreshOptions = {}): Promise<RefreshResult> {
  const started = performance.now();
  const { rows: projects } = await pool.query<{ timezone: string; retention_days: number; line: Date; today: string }>(
    `select timezone, retention_days, now() - make_interval(secs => $2::float8 / 1000) as line, (now() at time zone timezone)::date::text as today
       from projects where id = $1`,
    [projectId, SLACK_MS],
  );
  const project = projects[0];
  if (!project) throw new Error(`no project ${projectId}`);
  const tz = project.timezone;
  const fromDay = opts.from ? localDay(opts.from, tz) : undefined;
  const toDay = opts.to ? localDay(opts.to, tz) : undefined;
  const limited = fromDay !== undefined || toDay !== undefined;

  const range = await dataDayRange(pool, projectId, tz);
  // Gap detection covers the data range, at most back to the retention period and up to tomorrow.
  const oldest = addDays(project.today, -(project.retention_days + 1));
  const newest = addDays(project.today, 1);
  let first = range ? (range.first < oldest ? oldest : range.first) : project.today;
  let last = range ? (range.last > newest ? newest : range.last < project.today ? project.today : range.last) : project.today;
  if (fromDay && fromDay > first) first = fromDay;
  if (toDay && toDay < last) last = toDay;
  if (opts.full && fromDay) first = fromDay;
  if (opts.full && toDay) last = toDay;
  const required = first <= last ? daysBetween(first, last) : [];

  let todo: { day: string; reason: StaleReason | "full" }[];
  let scanLine: Date | null = null;
  if (opts.full) {
    todo = required.map((day) => ({ day, reason: "full" as const }));
  } else {
    const scan = await findStaleDays(pool, projectId, tz, required, { anyDay: true, fromDay, toDay });
    const order: Record<StaleReason, number> = { events: 0, merges: 1, timezone: 2, missing: 3 };
    todo = [...scan.stale.entries()]
      .map(([day, reason]) => ({ day, reason }))
      .sort((a, b) => order[a.reason] - order[b.reason] || (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  }
  const capped = !opts.full && todo.length > MAX_DAYS_PER_RUN;
  const doing = capped ? todo.slice(0, MAX_DAYS_PER_RUN) : todo;
  for (const { day } of doing) await recomputeDay(pool, projectId, tz, day);
  if (doing.length > 0 && performance.now() - started > SLACK_MS) {
    // Days recomputed early in a long run with inserts then under SLACK_MS old carry a cautious
    // watermark and look stale; once those inserts are older than the slack, one more pass
    // makes them fresh (a day still receiving events is left to the next run).
    const again = await findStaleDays(pool, projectId, tz, doing.map((d) => d.day));
    const line = Date.now() - SLACK_MS;
    for (const [day, reason] of again.stale) {
      if (reason === "events" && (again.newest.get(day)?.getTime() ?? Infinity) < line) await recomputeDay(pool, projectId, tz, day);
    }
  }
  if (!limited && !capped) {
    scanLine = project.line;
    await pool.query(
      `insert into rollup_day_states (project_id, rollup, day, timezone, watermark, computed_at) values ($1, $2, $3::date, $4, $5, now())
       on conflict (project_id, rollup, day) do update set timezone = excluded.timezone, watermark = excluded.watermark, computed_at = excluded.computed_at`,
      [projectId, SCAN_ROLLUP, SCAN_DAY, tz, scanLine],
    );
    // The first day with events: days before it are known to be empty (queries need no state for them).
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query(`delete from rollup_day_states where project_id = $1 and rollup = $2`, [projectId, FIRST_ROLLUP]);
      await client.query(
        `insert into rollup_day_states (project_id, rollup, day, timezone, watermark, computed_at) values ($1, $2, $3::date, $4, $5, now())`,
        [projectId, FIRST_ROLLUP, range?.first ?? project.today, tz, scanLine],
      );
      await client.query("commit");
    } catch (err) {
      await client.query("rollback").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  await summarizeNewInserts(pool);
  return {
    daysRecomputed: doing.length,
    days: doing,
    scanLine: scanLine?.toISOString() ?? null,
    remaining: todo.length - doing.length,
    timezone: tz,
    ms: Math.round(performance.now() - started),
  };
}

/**
 * Summarizes the BRIN ranges of `inserted_at` filled since the last summary, in every events
 * partition. Unsummarized ranges are read by every `inserted_at > x` scan (the stale-day check,
 * the data watermark): after a bulk load that is the whole table until autovacuum comes by.
 * Best effort: a concurrent VACUUM holding the lock just means the next run does it.
 */
export async function summarizeNewInserts(pool: pg.Pool): Promise<number> {
  try {
    const { rows } = await pool.query<{ n: string | null }>(
      `select sum(brin_summarize_new_values(h.inhrelid))::text as n
         from pg_inherits h where h.inhparent = to_regclass('events_inserted_at_idx')`,
    );
    return Number(rows[0]?.n ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Recomputes one day of both rollups in one REPEATABLE READ transaction (one snapshot for the
 * rows and the watermark): delete the day's rows, insert them again from raw events, record the
 * watermark. A session advisory lock, taken before the snapshot, serializes refreshes of the
 * same day (the job and a CLI backfill); a killed connection releases it and rolls back.
 */
export async function recomputeDay(pool: pg.Pool, projectId: string, timezone: string, day: string): Promise<void> {
  const client = await pool.connect();
  // A terminated connection must fail this call, not crash the process through an unhandled event.
  const onError = () => {};
  client.on("error", onError);
  const lockKey = `rollup:${projectId}:${day}`;
  let broken: Error | undefined;
  try {
    await client.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [lockKey]);
    try {
      await client.query("begin isolation level repeatable read");
      // The distinct counts sort one (event, dim) group set at a time: keep those sorts in memory.
      await client.query("set local work_mem = '64MB'");
      const scope = { projectId, timezone, days: [day] };
      await client.query(`delete from rollup_event_days where project_id = $1 and day = $2::date`, [projectId, day]);
      await client.query(`delete from rollup_person_days where project_id = $1 and day = $2::date`, [projectId, day]);
      await run(
        client,
        sql`insert into rollup_event_days (project_id, day, event, dim, value, events, persons, sessions, revenue, commission)
            select ${projectId}::uuid, r.day::date, r.event, r.dim, r.value, r.events, r.persons, r.sessions, r.revenue, r.commission
              from (${eventDaysSelect(scope)}) r`,
      );
      await run(
        client,
        sql`insert into rollup_person_days (project_id, day, person_id, events)
            select ${projectId}::uuid, r.day::date, r.person_id, r.events from (${personDaysSelect(scope)}) r`,
      );
      // Watermark: everything inserted at or before it is counted. The newest insert seen, but
      // never later than the snapshot less the slack (a transaction stamped earlier may commit later).
      await run(
        client,
        sql`insert into rollup_day_states (project_id, rollup, day, timezone, watermark, computed_at)
            select ${projectId}::uuid, r.rollup, ${day}::date, ${timezone}::text,
                   least(coalesce(w.newest, now() - make_interval(secs => ${SLACK_MS / 1000})), now() - make_interval(secs => ${SLACK_MS / 1000})), now()
              from (${newestInsertSelect(scope)}) w cross join unnest(${[...ROLLUPS]}::text[]) r(rollup)
            on conflict (project_id, rollup, day) do update
              set timezone = excluded.timezone, watermark = excluded.watermark, computed_at = excluded.computed_at`,
      );
      await client.query("commit");
    } catch (err) {
      await client.query("rollback").catch(() => {});
      throw err;
    } finally {
      await client.query(`select pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey]).catch((e: Error) => {
        broken = e;
      });
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.removeListener("error", onError);
    client.release(broken);
  }
}

async function run(client: pg.PoolClient, fragment: ReturnType<typeof sql>) {
  const { text, values } = render(fragment);
  await client.query(text, values);
}
