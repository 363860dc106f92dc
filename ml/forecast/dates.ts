import type { Frequency } from "./season";

/** Dates as UTC calendar days "YYYY-MM-DD". */
const DAY = 86_400_000;

export function parseDay(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(text.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? d : null;
}

export function formatDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function monthsBetween(a: Date, b: Date): number {
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
}

export function step(d: Date, frequency: Frequency, k = 1): Date {
  switch (frequency) {
    case "daily":
      return new Date(d.getTime() + k * DAY);
    case "weekly":
      return new Date(d.getTime() + 7 * k * DAY);
    case "monthly":
    case "quarterly": {
      const months = (frequency === "monthly" ? 1 : 3) * k;
      const y = d.getUTCFullYear();
      const mo = d.getUTCMonth() + months;
      const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
      return new Date(Date.UTC(y, mo, Math.min(d.getUTCDate(), last)));
    }
  }
}

/**
 * The frequency of evenly spaced dates, or the index of the first date that breaks the spacing
 * of the first two.
 */
export function inferFrequency(dates: Date[]): { frequency: Frequency } | { breaksAt: number } {
  if (dates.length < 2) return { breaksAt: 1 };
  const days = (dates[1]!.getTime() - dates[0]!.getTime()) / DAY;
  const months = monthsBetween(dates[0]!, dates[1]!);
  const frequency: Frequency | null = days === 1 ? "daily" : days === 7 ? "weekly" : months === 1 && days >= 28 && days <= 31 ? "monthly" : months === 3 && days >= 89 && days <= 92 ? "quarterly" : null;
  if (!frequency) return { breaksAt: 1 };
  for (let i = 1; i < dates.length; i++) {
    if (formatDay(step(dates[i - 1]!, frequency)) !== formatDay(dates[i]!) && formatDay(step(dates[0]!, frequency, i)) !== formatDay(dates[i]!)) return { breaksAt: i };
  }
  return { frequency };
}
