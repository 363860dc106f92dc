import type pg from "pg";
import { FIRST_ROLLUP, ROLLUPS, SCAN_DAY, SCAN_ROLLUP, SLACK_MS } from "./dims";

/** A day both rollups have computed (the older watermark of the two when they differ). */
export interface DayState {
  day: string;
  timezone: string;
  /** Every event inserted at or before this instant is counted in the day's rows. */
  watermark: Date;
  computedAt: Date;
}

export type StaleReason = "missing" | "timezone" | "events" | "merges";

export interface StaleScan {
  states: Map<string, DayState>;
  /** The project's scan line: every event inserted at or before it is reflected in the day states. */
  scanLine: Date | null;
  /** Stale days with why (first reason found). */
  stale: Map<string, StaleReason>;
  /** For days stale by events: the newest insert seen for the day. */
  newest: Map<string, Date>;
}

type Queryable = Pick<pg.Pool, "query">;

/** States of days in [fromDay, toDay] (all days when omitted), only days both rollups have. */
export async function loadDayStates(db: Queryable, projectId: string, fromDay?: string, toDay?: string): Promise<Map<string, DayState>> {
  const { rows } = await db.query<{ day: string; timezone: string; watermark: Date; computed_at: Date; n: number; zones: number }>(
    `select day::text as day, min(timezone) as timezone, min(watermark) as watermark, min(computed_at) as computed_at,
            count(*)::int as n, count(distinct timezone)::int as zones
       from rollup_day_states
      where project_id = $1 and rollup = any($2::text[])
        and ($3::date is null or day >= $3::date) and ($4::date is null or day <= $4::date)
      group by day`,
    [projectId, [...ROLLUPS], fromDay ?? null, toDay ?? null],
  );
  const out = new Map<string, DayState>();
  for (const r of rows) {
    if (r.n !== ROLLUPS.length) continue;
    out.set(r.day, { day: r.day, timezone: r.zones === 1 ? r.timezone : "", watermark: r.watermark, computedAt: r.computed_at });
  }
  return out;
}

/** The first day with events recorded by the last complete refresh, if it used `timezone`. */
export async function loadFirstDay(db: Queryable, projectId: string, timezone: string): Promise<string | null> {
  const { rows } = await db.query<{ day: string }>(
    `select day::text as day from rollup_day_states where project_id = $1 and rollup = $2 and timezone = $3 order by day limit 1`,
    [projectId, FIRST_ROLLUP, timezone],
  );
  return rows[0]?.day ?? null;
}

export async function loadScanLine(db: Queryable, projectId: string): Promise<Date | null> {
  const { rows } = await db.query<{ watermark: Date }>(
    `select watermark from rollup_day_states where project_id = $1 and rollup = $2 and day = $3::date`,
    [projectId, SCAN_ROLLUP, SCAN_DAY],
  );
  return rows[0]?.watermark ?? null;
}

/**
 * Finds the days that need recomputing among `days` (YYYY-MM-DD, project timezone) plus, when
 * `anyDay`, days outside that list that new events or merges touched:
 * - missing: never computed (or one of the rollups lacks it: an erasure deletes the state);
 * - timezone: computed in another timezone than the project's current one;
 * - events: an event of the day was inserted after the day's watermark (found by scanning
 *   `inserted_at > scan line`, cheap with the BRIN index);
 * - merges: a person with events that day was merged after the day was computed (less slack).
 */
export async function findStaleDays(
  db: Queryable,
  projectId: string,
  timezone: string,
  days: readonly string[],
  opts: { anyDay?: boolean; fromDay?: string; toDay?: string } = {},
): Promise<StaleScan> {
  const sorted = [...days].sort();
  const fromDay = opts.fromDay ?? (opts.anyDay ? undefined : sorted[0]);
  const toDay = opts.toDay ?? (opts.anyDay ? undefined : sorted[sorted.length - 1]);
  const states = await loadDayStates(db, projectId, fromDay, toDay);
  const stale = new Map<string, StaleReason>();
  const newest = new Map<string, Date>();
  const wanted = new Set(days);
  const inScope = (day: string) => wanted.has(day) || (opts.anyDay === true && (!fromDay || day >= fromDay) && (!toDay || day <= toDay));

  let scanLine = await loadScanLine(db, projectId);
  // Days before the first day with events (as of the last complete refresh, in this timezone)
  // hold nothing; an event arriving for one since shows up in the scan below.
  const first = scanLine ? await loadFirstDay(db, projectId, timezone) : null;
  for (const day of sorted) {
    const s = states.get(day);
    if (!s) {
      if (!(first && day < first)) stale.set(day, "missing");
    } else if (s.timezone !== timezone) stale.set(day, "timezone");
  }

  // Never scanned (only backfilled ranges): start from the oldest watermark a day has.
  const floor =
    scanLine ?? (states.size ? new Date(Math.min(...[...states.values()].map((s) => s.watermark.getTime()))) : null);
  if (floor) {
    const { rows: byEvents } = await db.query<{ day: string; newest: Date }>(
      `select (timestamp at time zone $2::text)::date::text as day, max(inserted_at) as newest
         from events where project_id = $1 and inserted_at > $3
        group by 1`,
      [projectId, timezone, floor],
    );
    for (const r of byEvents) {
      if (!inScope(r.day) || stale.has(r.day)) continue;
      const s = states.get(r.day);
      if (!s) stale.set(r.day, "missing");
      else if (r.newest.getTime() > s.watermark.getTime()) {
        stale.set(r.day, "events");
        newest.set(r.day, r.newest);
      }
    }
    const { rows: byMerges } = await db.query<{ day: string; merged: Date }>(
      `select (e.timestamp at time zone $2::text)::date::text as day, max(m.merged_at) as merged
         from person_merges m
         join events e on e.project_id = m.project_id and (e.person_id = m.from_person_id or e.person_id = m.to_person_id)
        where m.project_id = $1 and m.merged_at > $3
        group by 1`,
      [projectId, timezone, new Date(floor.getTime() - SLACK_MS)],
    );
    for (const r of byMerges) {
      if (!inScope(r.day) || stale.has(r.day)) continue;
      const s = states.get(r.day);
      if (!s) stale.set(r.day, "missing");
      else if (r.merged.getTime() > s.computedAt.getTime() - SLACK_MS) stale.set(r.day, "merges");
    }
  } else {
    scanLine = null;
  }
  return { states, scanLine, stale, newest };
}
