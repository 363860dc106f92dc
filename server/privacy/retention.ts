import type pg from "pg";
import { dropPartitionsBefore } from "../ingest/partitions";

const DAY = 24 * 3600 * 1000;
/** Capture refuses events older than this, so no partition further back is ever needed. */
const CAPTURE_MONTHS_BACK = 13;

export interface ProjectRetention {
  projectId: string;
  retentionDays: number;
  cutoff: string;
  eventsDeleted: number;
  eventUuidsDeleted: number;
}

export interface RetentionReport {
  /** Whole partitions ending before every project's cutoff are dropped instead of deleted from. */
  partitionCutoff: string | null;
  partitionsDropped: Array<{ name: string; approxRows: number }>;
  projects: ProjectRetention[];
  eventsDeleted: number;
  eventUuidsDeleted: number;
}

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const nextMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));

async function projectRetentions(pool: pg.Pool): Promise<Array<{ id: string; days: number }>> {
  const { rows } = await pool.query(`select id, retention_days as days from projects order by created_at`);
  return rows;
}

/**
 * Deletes events older than each project's `retention_days`, and their `event_uuids`. A monthly
 * partition that ends before every project's cutoff is dropped whole (cheap, no dead rows);
 * the rest is deleted by project and time, a month at a time so each statement stays in one
 * partition. Idempotent: a second run finds nothing to do.
 */
export async function applyRetention(pool: pg.Pool, opts: { now?: Date } = {}): Promise<RetentionReport> {
  const now = opts.now ?? new Date();
  const projects = await projectRetentions(pool);
  const report: RetentionReport = { partitionCutoff: null, partitionsDropped: [], projects: [], eventsDeleted: 0, eventUuidsDeleted: 0 };
  if (!projects.length) return report;

  const cutoffs = projects.map((p) => ({ ...p, cutoff: new Date(now.getTime() - p.days * DAY) }));
  const partitionCutoff = new Date(Math.min(...cutoffs.map((c) => c.cutoff.getTime())));
  report.partitionCutoff = partitionCutoff.toISOString();
  const { rows: sizes } = await pool.query(
    `select c.relname as name, greatest(c.reltuples, 0)::bigint as approx from pg_inherits i
       join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'events'`,
  );
  const approx = new Map(sizes.map((s: { name: string; approx: string }) => [s.name, Number(s.approx)]));
  const dropped = await dropPartitionsBefore(pool, partitionCutoff);
  report.partitionsDropped = dropped.map((name) => ({ name, approxRows: approx.get(name) ?? 0 }));

  for (const p of cutoffs) {
    let eventsDeleted = 0;
    const { rows } = await pool.query(`select min(timestamp) as oldest from events where project_id = $1 and timestamp < $2`, [p.id, p.cutoff]);
    if (rows[0].oldest) {
      for (let from = monthStart(rows[0].oldest); from < p.cutoff; from = nextMonth(from)) {
        const to = nextMonth(from) < p.cutoff ? nextMonth(from) : p.cutoff;
        const r = await pool.query(`delete from events where project_id = $1 and timestamp >= $2 and timestamp < $3`, [p.id, from, to]);
        eventsDeleted += r.rowCount ?? 0;
      }
    }
    const u = await pool.query(`delete from event_uuids where project_id = $1 and timestamp < $2`, [p.id, p.cutoff]);
    await dropRollupsBefore(pool, p.id, p.cutoff);
    const entry = { projectId: p.id, retentionDays: p.days, cutoff: p.cutoff.toISOString(), eventsDeleted, eventUuidsDeleted: u.rowCount ?? 0 };
    report.projects.push(entry);
    report.eventsDeleted += entry.eventsDeleted;
    report.eventUuidsDeleted += entry.eventUuidsDeleted;
  }
  return report;
}

/**
 * Rollup rows of days wholly before the cutoff go with their events; the day the cutoff falls in
 * lost some events, so its state is dropped and the next rollup refresh recounts it.
 */
async function dropRollupsBefore(pool: pg.Pool, projectId: string, cutoff: Date): Promise<void> {
  const local = `(select ($2::timestamptz at time zone timezone)::date from projects where id = $1)`;
  await pool.query(`delete from rollup_event_days where project_id = $1 and day < ${local}`, [projectId, cutoff]);
  await pool.query(`delete from rollup_person_days where project_id = $1 and day < ${local}`, [projectId, cutoff]);
  await pool.query(`delete from rollup_day_states where project_id = $1 and rollup not like '$%' and day <= ${local}`, [projectId, cutoff]);
}

/**
 * How many months back event partitions are worth keeping: back to the longest retention, and
 * never beyond what capture accepts. Creating older ones would only have retention drop them again.
 */
export async function partitionMonthsBack(pool: pg.Pool, now = new Date()): Promise<number> {
  const projects = await projectRetentions(pool);
  if (!projects.length) return CAPTURE_MONTHS_BACK;
  const oldest = new Date(now.getTime() - Math.max(...projects.map((p) => p.days)) * DAY);
  const months = (now.getUTCFullYear() - oldest.getUTCFullYear()) * 12 + now.getUTCMonth() - oldest.getUTCMonth();
  return Math.min(CAPTURE_MONTHS_BACK, months);
}
