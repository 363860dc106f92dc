import { PeriodCursor, type PeriodIndex } from "./period-index";
import type { EventStream } from "./stream/types";

/**
 * Days active per person and period in one time-ordered pass: `histogram[d]` is the number of
 * (person, period) pairs with exactly d active days (days and periods in the project timezone,
 * as given by the two indexes; a day belongs to the period its start lies in). Only rows with
 * `bit` set count.
 */
export function stickinessHistogram(s: EventStream, periods: PeriodIndex, days: PeriodIndex, bit: number, maxDays: number): Int32Array {
  const histogram = new Int32Array(maxDays + 1);
  const n = s.personCount;
  const lastPeriod = new Int32Array(n).fill(-1);
  const lastDay = new Int32Array(n).fill(-1);
  const count = new Uint8Array(n);
  const mask = 1 << bit;
  const periodAt = new PeriodCursor(periods);
  const dayAt = new PeriodCursor(days);
  const { ts, person, match } = s;
  for (let i = 0; i < s.length; i++) {
    if ((match[i]! & mask) === 0) continue;
    const t = ts[i]!;
    const q = periodAt.at(t);
    const d = dayAt.at(t);
    const p = person[i]!;
    if (lastPeriod[p] !== q) {
      if (lastPeriod[p]! >= 0) histogram[Math.min(count[p]!, maxDays)]!++;
      lastPeriod[p] = q;
      lastDay[p] = d;
      count[p] = 1;
    } else if (lastDay[p] !== d) {
      lastDay[p] = d;
      count[p]!++;
    }
  }
  for (let p = 0; p < n; p++) if (lastPeriod[p]! >= 0) histogram[Math.min(count[p]!, maxDays)]!++;
  return histogram;
}
