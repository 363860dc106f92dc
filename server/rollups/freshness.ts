import type pg from "pg";
import { zonedParts } from "../query/date-range";
import { daysBetween } from "./data-range";
import { findStaleDays, type StaleReason, type StaleScan } from "./stale-days";

export interface RollupFreshness {
  timezone: string;
  /** Project-timezone days of the range. */
  days: string[];
  /** Days whose rollup rows are current. */
  freshDays: number;
  stale: { day: string; reason: StaleReason }[];
  /** ISO: every event inserted at or before it is counted in the fresh days (null: none fresh). */
  dataWatermark: string | null;
  /** ISO of the project's scan line (last complete refresh less the slack), null before the first. */
  scanLine: string | null;
}

export function dayOf(d: Date, tz: string): string {
  const p = zonedParts(d, tz);
  return `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** Project-timezone days touched by [from, to) (to exclusive). */
export function daysOfRange(range: { from: Date; to: Date }, tz: string): string[] {
  return daysBetween(dayOf(range.from, tz), dayOf(new Date(range.to.getTime() - 1), tz));
}

/**
 * The oldest watermark among `days` that are fresh. A fresh day's watermark is at least the scan
 * line: the last complete refresh saw no later insert or merge touching it.
 */
export function oldestWatermark(scan: StaleScan, days: readonly string[]): string | null {
  let oldest: number | null = null;
  for (const day of days) {
    const s = scan.states.get(day);
    if (!s || scan.stale.has(day)) continue;
    const w = Math.max(s.watermark.getTime(), scan.scanLine?.getTime() ?? 0);
    oldest = oldest === null ? w : Math.min(oldest, w);
  }
  return oldest === null ? null : new Date(oldest).toISOString();
}

/** How current the rollups are over a range, for the status command and the trends runner. */
export async function rollupFreshness(pool: pg.Pool, projectId: string, range: { from: Date; to: Date }): Promise<RollupFreshness> {
  const { rows } = await pool.query<{ timezone: string }>(`select timezone from projects where id = $1`, [projectId]);
  if (!rows[0]) throw new Error(`no project ${projectId}`);
  const { scan: _scan, ...freshness } = await freshnessIn(pool, projectId, rows[0].timezone, daysOfRange(range, rows[0].timezone));
  return freshness;
}

export async function freshnessIn(db: Pick<pg.Pool, "query">, projectId: string, timezone: string, days: string[]): Promise<RollupFreshness & { scan: StaleScan }> {
  const scan = await findStaleDays(db, projectId, timezone, days);
  const stale = days.filter((d) => scan.stale.has(d)).map((day) => ({ day, reason: scan.stale.get(day)! }));
  return {
    timezone,
    days,
    freshDays: days.length - stale.length,
    stale,
    dataWatermark: oldestWatermark(scan, days),
    scanLine: scan.scanLine?.toISOString() ?? null,
    scan,
  };
}
