import type { DateRange, Interval } from "./schema/common";
import { QueryInputError } from "./errors";

export interface ResolvedRange {
  /** Inclusive start, exclusive end (epoch ms). */
  from: Date;
  to: Date;
}

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/**
 * Resolves a query's date range in the project timezone. Relative `-Nd` starts at the beginning
 * of the day N days ago (so `-7d` is today and the 7 days before); `to` omitted means now.
 * A date without time means the start of that day (for `from`) or the end of it (for `to`).
 */
export function resolveRange(range: DateRange, timezone: string, now: Date): ResolvedRange {
  const from = bound(range.from, "from", timezone, now);
  const to = range.to === undefined ? now : bound(range.to, "to", timezone, now);
  if (to.getTime() <= from.getTime()) throw new QueryInputError("dateRange.to", "must be after dateRange.from");
  return { from, to };
}

function bound(text: string, which: "from" | "to", timezone: string, now: Date): Date {
  const rel = /^-(\d+)([hdwmy])$/.exec(text);
  if (rel) {
    const n = Number(rel[1]);
    const unit = rel[2] as "h" | "d" | "w" | "m" | "y";
    if (unit === "h") return new Date(now.getTime() - n * UNIT_MS.h);
    const today = startOfDay(now, timezone);
    if (unit === "d") return addDaysLocal(today, -n, timezone);
    if (unit === "w") return addDaysLocal(today, -7 * n, timezone);
    const p = zonedParts(today, timezone);
    const months = unit === "m" ? n : 12 * n;
    return zonedTime(timezone, p.year, p.month - months, p.day, 0, 0, 0);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const [y, m, d] = text.split("-").map(Number) as [number, number, number];
    const start = zonedTime(timezone, y, m, d, 0, 0, 0);
    return which === "from" ? start : addDaysLocal(start, 1, timezone);
  }
  return new Date(text);
}

// ---- time zone arithmetic (Intl only; no dependency) -----------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday ... 6 = Sunday */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export function zonedParts(d: Date, tz: string): ZonedParts {
  const parts = formatter(tz).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")),
    minute: Number(get("minute")),
    second: Number(get("second")),
    weekday: WEEKDAYS[get("weekday")]!,
  };
}

/** The instant at which the wall clock in `tz` shows the given local time (month may overflow). */
export function zonedTime(tz: string, year: number, month: number, day: number, hour: number, minute: number, second: number): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  let t = guess;
  for (let i = 0; i < 3; i++) {
    const p = zonedParts(new Date(t), tz);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const diff = shown - guess;
    if (diff === 0) break;
    t -= diff;
  }
  return new Date(t);
}

export function startOfDay(d: Date, tz: string): Date {
  const p = zonedParts(d, tz);
  return zonedTime(tz, p.year, p.month, p.day, 0, 0, 0);
}

export function addDaysLocal(d: Date, days: number, tz: string): Date {
  const p = zonedParts(d, tz);
  return zonedTime(tz, p.year, p.month, p.day + days, p.hour, p.minute, p.second);
}

/** Start of the bucket containing `d` (weeks start on Monday). */
export function bucketStart(d: Date, interval: Interval, tz: string): Date {
  if (interval === "minute") return new Date(Math.floor(d.getTime() / 60_000) * 60_000);
  if (interval === "hour") {
    const p = zonedParts(d, tz);
    return zonedTime(tz, p.year, p.month, p.day, p.hour, 0, 0);
  }
  const p = zonedParts(d, tz);
  if (interval === "day") return zonedTime(tz, p.year, p.month, p.day, 0, 0, 0);
  if (interval === "week") return zonedTime(tz, p.year, p.month, p.day - p.weekday, 0, 0, 0);
  return zonedTime(tz, p.year, p.month, 1, 0, 0, 0);
}

export function nextBucket(d: Date, interval: Interval, tz: string): Date {
  if (interval === "minute") return new Date(d.getTime() + 60_000);
  if (interval === "hour") return new Date(d.getTime() + 3_600_000);
  const p = zonedParts(d, tz);
  if (interval === "day") return zonedTime(tz, p.year, p.month, p.day + 1, 0, 0, 0);
  if (interval === "week") return zonedTime(tz, p.year, p.month, p.day + 7, 0, 0, 0);
  return zonedTime(tz, p.year, p.month + 1, 1, 0, 0, 0);
}

/** Bucket starts covering [from, to). Throws when there would be more than `max`. */
export function buckets(range: ResolvedRange, interval: Interval, tz: string, max = 5000): Date[] {
  const out: Date[] = [];
  for (let b = bucketStart(range.from, interval, tz); b < range.to; b = nextBucket(b, interval, tz)) {
    out.push(b);
    if (out.length > max) throw new QueryInputError("interval", `more than ${max} ${interval} buckets in the date range; pick a larger interval`);
  }
  return out;
}

/** PostgreSQL's date_trunc unit for an interval (weeks start on Monday there too). */
export const PG_TRUNC = { minute: "minute", hour: "hour", day: "day", week: "week", month: "month" } as const;
