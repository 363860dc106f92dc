import { bucketStart, nextBucket, zonedParts } from "./date-range";
import type { Interval } from "./schema/common";

/**
 * Period boundaries as epoch ms, for mapping a time-ordered stream of timestamps to period
 * indexes without timezone math per event: `starts[i]` is the start of period i (in the project
 * timezone, weeks from Monday) and `starts[count]` the end of the last one. Timezone work is done
 * once per period here, never per event.
 */
export interface PeriodIndex {
  starts: Float64Array;
  count: number;
}

/** Periods covering [from, to): the first starts at the period containing `from`. */
export function periodIndex(from: Date, to: Date, interval: Interval, tz: string, max = 5000): PeriodIndex {
  const out: number[] = [];
  let b = bucketStart(from, interval, tz);
  for (; b < to; b = nextBucket(b, interval, tz)) {
    out.push(b.getTime());
    if (out.length > max) throw new RangeError(`more than ${max} ${interval} periods`);
  }
  out.push(b.getTime());
  return { starts: Float64Array.from(out), count: out.length - 1 };
}

/**
 * A forward-only cursor: `at(ts)` for non-decreasing ts returns the period index containing ts
 * (-1 before the first period, `count` at or after the end). Amortized O(1) per call.
 */
export class PeriodCursor {
  private i = -1;
  constructor(private readonly index: PeriodIndex) {}
  at(ts: number): number {
    const s = this.index.starts;
    const n = this.index.count;
    let i = this.i;
    while (i < n && ts >= s[i + 1]!) i++;
    this.i = i;
    return i;
  }
}

/** Index of the period containing ts by binary search (for unordered lookups). */
export function periodOf(index: PeriodIndex, ts: number): number {
  const s = index.starts;
  if (ts < s[0]!) return -1;
  let lo = 0;
  let hi = index.count;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid]! <= ts) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** ISO 8601 with the project timezone's offset, e.g. `2026-11-02T00:00:00+09:00`. */
export function zonedIso(ms: number, tz: string): string {
  const p = zonedParts(new Date(ms), tz);
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offsetMin = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
