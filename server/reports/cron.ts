import { Cron } from "croner";

/** Parses a five-field cron expression evaluated in `timezone`; throws a readable error when invalid. */
export function parseCron(expression: string, timezone: string): Cron {
  if (!isTimezone(timezone)) throw new Error(`unknown time zone "${timezone}"`);
  try {
    return new Cron(expression.trim(), { timezone, mode: "5-part", paused: true });
  } catch (err) {
    throw new Error((err as Error).message.replace(/^CronPattern: /, ""));
  }
}

export function isTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The first `count` instants strictly after `after` at which the cron fires, the wall clock read
 * in `timezone`. Across DST: a time skipped by spring-forward fires once, at the first instant
 * after the gap; a time repeated by fall-back fires once, at its first occurrence.
 */
export function nextRuns(expression: string, timezone: string, after: Date, count = 1): Date[] {
  return parseCron(expression, timezone).nextRuns(count, after);
}

export function nextRunAt(expression: string, timezone: string, after: Date): Date | null {
  return nextRuns(expression, timezone, after, 1)[0] ?? null;
}

/** "Mon 23 Nov 2026, 08:00 CET": how a run time reads in the report's time zone. */
export function formatRunTime(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(at);
}

/** The next runs for a form's preview, or the reason the expression is wrong. */
export function previewRuns(expression: string, timezone: string, now: Date, count = 3): { runs: { at: string; label: string }[]; error: string | null } {
  try {
    const runs = nextRuns(expression, timezone, now, count).map((d) => ({ at: d.toISOString(), label: formatRunTime(d, timezone) }));
    return { runs, error: runs.length ? null : "this schedule never fires" };
  } catch (err) {
    return { runs: [], error: (err as Error).message };
  }
}

/** The latest instant at or before `at` at which the cron fires (null when it never did). */
export function latestRunAtOrBefore(expression: string, timezone: string, at: Date): Date | null {
  return parseCron(expression, timezone).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}
