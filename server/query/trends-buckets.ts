import { addDaysLocal, bucketStart, buckets, nextBucket, zonedParts, zonedTime, type ResolvedRange } from "./date-range";
import type { Interval } from "./schema/common";
import type { TrendsMath } from "./schema/trends";
import { sql, type Sql } from "./sql";

/** One period of a trends query: its range and bucket starts, with their keys. */
export interface Period {
  name: "current" | "previous";
  range: ResolvedRange;
  buckets: Date[];
  /** Local wall time of each bucket start, `YYYY-MM-DDTHH:MM`: what SQL's bucket key yields. */
  keys: string[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The bucket key of an instant's local wall time (matches `bucketKeySql`). */
export function wallKey(d: Date, tz: string): string {
  const p = zonedParts(d, tz);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** `2026-11-02T00:00:00-05:00`: the instant as ISO in the timezone's offset at that instant. */
export function isoInZone(d: Date, tz: string): string {
  const p = zonedParts(d, tz);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offsetMin = Math.round((wall - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** SQL yielding the bucket key of `e.timestamp` (unit and timezone bound as parameters). */
export function bucketKeySql(interval: Interval, tz: string, ts: Sql = sql`e.timestamp`): Sql {
  return sql`to_char(date_trunc(${interval}::text, ${ts} at time zone ${tz}::text), 'YYYY-MM-DD"T"HH24:MI')`;
}

export function currentPeriod(range: ResolvedRange, interval: Interval, tz: string): Period {
  const bs = buckets(range, interval, tz);
  return { name: "current", range, buckets: bs, keys: bs.map((b) => wallKey(b, tz)) };
}

/** The same number of buckets right before the current period's first bucket. */
export function previousPeriod(current: Period, interval: Interval, tz: string): Period {
  const n = current.buckets.length;
  const first = current.buckets[0] ?? bucketStart(current.range.from, interval, tz);
  let from: Date;
  if (interval === "minute") from = new Date(first.getTime() - n * 60_000);
  else if (interval === "hour") from = new Date(first.getTime() - n * 3_600_000);
  else if (interval === "day") from = addDaysLocal(first, -n, tz);
  else if (interval === "week") from = addDaysLocal(first, -7 * n, tz);
  else {
    const p = zonedParts(first, tz);
    from = zonedTime(tz, p.year, p.month - n, 1, 0, 0, 0);
  }
  const range = { from, to: first };
  const bs = buckets(range, interval, tz);
  return { name: "previous", range, buckets: bs, keys: bs.map((b) => wallKey(b, tz)) };
}

export const ACTIVE_DAYS: Partial<Record<TrendsMath, number>> = { dau: 1, wau: 7, mau: 30 };

/**
 * The window of an active-user math for a bucket: the N days ending at the bucket's end (capped
 * at the range end), or the whole bucket when it is longer (DAU by week = persons active that week).
 */
export function activeWindow(bucket: Date, math: TrendsMath, interval: Interval, period: Period, tz: string): { start: Date; end: Date } {
  const days = ACTIVE_DAYS[math]!;
  const bucketEnd = nextBucket(bucket, interval, tz);
  const end = bucketEnd.getTime() > period.range.to.getTime() ? period.range.to : bucketEnd;
  const back = addDaysLocal(bucketEnd, -days, tz);
  const start = back.getTime() < bucket.getTime() ? back : bucket;
  return { start, end };
}
