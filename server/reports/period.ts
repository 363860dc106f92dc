import { zonedParts, zonedTime } from "../query/date-range";

export type PeriodUnit = "day" | "week" | "month" | "quarter";

export interface ReportPeriod {
  from: Date;
  /** Exclusive. */
  to: Date;
  label: string;
  previous: { from: Date; to: Date; label: string };
}

/** Start of the period of `unit` containing `at`, in `tz` (weeks start on Monday). */
function periodStart(at: Date, unit: PeriodUnit, tz: string): { y: number; m: number; d: number } {
  const p = zonedParts(at, tz);
  if (unit === "day") return { y: p.year, m: p.month, d: p.day };
  if (unit === "week") return { y: p.year, m: p.month, d: p.day - p.weekday };
  if (unit === "month") return { y: p.year, m: p.month, d: 1 };
  return { y: p.year, m: p.month - ((p.month - 1) % 3), d: 1 };
}

function shift(s: { y: number; m: number; d: number }, unit: PeriodUnit, n: number) {
  if (unit === "day") return { ...s, d: s.d + n };
  if (unit === "week") return { ...s, d: s.d + 7 * n };
  return { ...s, m: s.m + (unit === "month" ? n : 3 * n) };
}

const at = (tz: string, s: { y: number; m: number; d: number }) => zonedTime(tz, s.y, s.m, s.d, 0, 0, 0);

function label(from: Date, unit: PeriodUnit, tz: string): string {
  const fmt = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { timeZone: tz, ...opts }).format(from);
  if (unit === "day") return fmt({ weekday: "short", day: "numeric", month: "short", year: "numeric" });
  if (unit === "week") return `Week of ${fmt({ weekday: "short", day: "numeric", month: "short", year: "numeric" })}`;
  if (unit === "month") return fmt({ month: "long", year: "numeric" });
  const p = zonedParts(from, tz);
  return `Q${Math.floor((p.month - 1) / 3) + 1} ${p.year}`;
}

/**
 * The last complete period before `runAt` in the report's time zone: a daily report run on
 * Tuesday at 08:00 covers Monday 00:00 to Tuesday 00:00 local time (23 or 25 hours on DST days),
 * and the period before it is the comparison.
 */
export function lastCompletePeriod(runAt: Date, unit: PeriodUnit, tz: string): ReportPeriod {
  const current = periodStart(runAt, unit, tz);
  const start = shift(current, unit, -1);
  const before = shift(current, unit, -2);
  const from = at(tz, start);
  const prevFrom = at(tz, before);
  return {
    from,
    to: at(tz, current),
    label: label(from, unit, tz),
    previous: { from: prevFrom, to: from, label: label(prevFrom, unit, tz) },
  };
}
