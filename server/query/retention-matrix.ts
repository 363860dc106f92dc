import type { PeriodIndex } from "./period-index";
import type { EventStream } from "./stream/types";

/** Group index for rows without a breakdown value, and for values beyond the top N. */
export const NULL_GROUP = -1;
export const OTHER_GROUP = -2;

export interface RetentionOptions {
  /** Cohort periods; every stream row must lie inside them. */
  periods: PeriodIndex;
  /** Bit of `stream.match` for the target (cohort) event and for the return event. */
  targetBit: number;
  returnBit: number;
  retentionType: "first_time" | "recurring";
  /** Periods after the start period to count (k = 1 .. maxOffset). */
  maxOffset: number;
  /** first_time: persons (by stream index) whose first target event lies before the stream. */
  prior?: Uint8Array | null;
  /** Keep this many breakdown values (by cohort entries), group the rest as OTHER_GROUP. */
  breakdownLimit?: number;
}

export interface RetentionGroup {
  /** Index into `stream.breakdownValues`, or NULL_GROUP / OTHER_GROUP. */
  value: number;
  /** sizes[c]: cohort entries starting in period c. */
  sizes: Int32Array;
  /** counts[c * (maxOffset + 1) + k]: of them, active k periods later (k = 0 is the size). */
  counts: Int32Array;
}

/**
 * The retention matrix over an event stream in one time-ordered pass.
 *
 * first_time: a person's cohort is the period of their first target event (persons in `prior`
 * had one before the stream and are left out); they count as retained at offset k when a
 * return event falls k periods after it. recurring: every period with a target event starts a
 * cohort entry of that person, each counted on its own. The breakdown value of an entry is the
 * one on the target event that defined it (the first in its period). Return events in the
 * cohort's own period (k = 0) do not count: values[0] is the cohort size.
 */
export function retentionMatrix(stream: EventStream, opts: RetentionOptions): RetentionGroup[] {
  return opts.retentionType === "first_time" ? firstTime(stream, opts) : recurring(stream, opts);
}

function firstTime(s: EventStream, o: RetentionOptions): RetentionGroup[] {
  const n = s.personCount;
  const T = 1 << o.targetBit;
  const R = 1 << o.returnBit;
  const K = o.maxOffset;
  // Per person, interleaved so one cache line holds it: [cohort (-1: none yet, -2: excluded as
  // prior), last counted return period, offset bits 0..31, offset bits 32..63].
  const st = new Int32Array(4 * n);
  for (let p = 0; p < n; p++) st[4 * p] = o.prior && o.prior[p] ? -2 : -1;
  const value = new Int32Array(n).fill(-1);
  const starts = o.periods.starts;
  let q = -1;
  let next = starts[0]!;
  const { ts, person, match } = s;
  const bd = s.cohortMask ?? s.breakdown;
  for (let i = 0; i < s.length; i++) {
    const m = match[i]!;
    if ((m & (T | R)) === 0) continue;
    const t = ts[i]!;
    while (t >= next && q < o.periods.count) next = starts[++q + 1] ?? Infinity;
    if (q < 0 || q >= o.periods.count) continue;
    const x = 4 * person[i]!;
    const c = st[x]!;
    if (c === -2) continue;
    if (c === -1) {
      if ((m & T) === 0) continue;
      st[x] = q;
      st[x + 1] = q;
      value[x >> 2] = bd ? bd[i]! : -1;
      continue;
    }
    if ((m & R) !== 0 && q > st[x + 1]!) {
      st[x + 1] = q;
      const k = q - c;
      if (k <= K) {
        if (k < 32) st[x + 2]! |= 1 << k;
        else st[x + 3]! |= 1 << (k - 32);
      }
    }
  }

  const groupsOf = topGroups(s, o.breakdownLimit, (count) => {
    for (let p = 0; p < n; p++) if (st[4 * p]! >= 0) count(value[p]!);
  });
  const P = o.periods.count;
  const out = new Map<number, RetentionGroup>();
  for (let p = 0; p < n; p++) {
    const c = st[4 * p]!;
    if (c < 0) continue;
    const lo = st[4 * p + 2]! >>> 0;
    const hi = st[4 * p + 3]! >>> 0;
    groupsOf(value[p]!, (gv) => {
      const g = group(out, gv, P, K);
      g.sizes[c]!++;
      const row = c * (K + 1);
      g.counts[row]!++;
      for (let bits = lo; bits !== 0; bits = (bits & (bits - 1)) >>> 0) g.counts[row + 31 - Math.clz32(bits & -bits)]!++;
      for (let bits = hi; bits !== 0; bits = (bits & (bits - 1)) >>> 0) g.counts[row + 32 + 31 - Math.clz32(bits & -bits)]!++;
    });
  }
  return ordered(out);
}

function recurring(s: EventStream, o: RetentionOptions): RetentionGroup[] {
  const n = s.personCount;
  const T = 1 << o.targetBit;
  const R = 1 << o.returnBit;
  const K = o.maxOffset;
  const last = new Int32Array(2 * n).fill(-1); // per person: last target period, last return period
  const tP = new IntList();
  const tQ = new IntList();
  const tV = new IntList();
  const rP = new IntList();
  const rQ = new IntList();
  const starts = o.periods.starts;
  let q = -1;
  let next = starts[0]!;
  const { ts, person, match } = s;
  const bd = s.cohortMask ?? s.breakdown;
  for (let i = 0; i < s.length; i++) {
    const m = match[i]!;
    if ((m & (T | R)) === 0) continue;
    const t = ts[i]!;
    while (t >= next && q < o.periods.count) next = starts[++q + 1] ?? Infinity;
    if (q < 0 || q >= o.periods.count) continue;
    const p = person[i]!;
    if ((m & T) !== 0 && last[2 * p] !== q) {
      last[2 * p] = q;
      tP.push(p);
      tQ.push(q);
      tV.push(bd ? bd[i]! : -1);
    }
    if ((m & R) !== 0 && last[2 * p + 1] !== q) {
      last[2 * p + 1] = q;
      rP.push(p);
      rQ.push(q);
    }
  }
  // Return periods grouped by person (stable, so each person's periods stay ascending).
  const start = new Int32Array(n + 1);
  for (let j = 0; j < rP.length; j++) start[rP.data[j]! + 1]!++;
  for (let p = 0; p < n; p++) start[p + 1]! += start[p]!;
  const fill = start.slice(0, n);
  const returns = new Int32Array(rP.length);
  for (let j = 0; j < rP.length; j++) returns[fill[rP.data[j]!]!++] = rQ.data[j]!;

  const groupsOf = topGroups(s, o.breakdownLimit, (count) => {
    for (let j = 0; j < tP.length; j++) count(tV.data[j]!);
  });
  const P = o.periods.count;
  const out = new Map<number, RetentionGroup>();
  for (let j = 0; j < tP.length; j++) {
    const p = tP.data[j]!;
    const c = tQ.data[j]!;
    const row = c * (K + 1);
    const end = start[p + 1]!;
    const first = lowerBound(returns, start[p]!, end, c + 1);
    groupsOf(tV.data[j]!, (gv) => {
      const g = group(out, gv, P, K);
      g.sizes[c]!++;
      g.counts[row]!++;
      for (let r = first; r < end; r++) {
        const k = returns[r]! - c;
        if (k > K) break;
        g.counts[row + k]!++;
      }
    });
  }
  return ordered(out);
}

/** First index in a[from, to) with a[i] >= x (a ascending there). */
function lowerBound(a: Int32Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `add` with the group(s) of a recorded value: the breakdown value itself when among the
 * `limit` values with the most entries (ties: lower index first), OTHER_GROUP for the rest,
 * NULL_GROUP for rows without a value. Cohort breakdowns record the person's membership mask and
 * count in every cohort they belong to (persons in none are left out). Without a breakdown
 * everything is one group (NULL_GROUP).
 */
function topGroups(
  s: EventStream,
  limit: number | undefined,
  each: (count: (v: number) => void) => void,
): (v: number, add: (group: number) => void) => void {
  if (s.cohortMask) {
    return (mask, add) => {
      for (let bits = mask >>> 0; bits !== 0; bits &= bits - 1) add(31 - Math.clz32(bits & -bits));
    };
  }
  if (!s.breakdown) return (_v, add) => add(NULL_GROUP);
  const counts = new Int32Array(s.breakdownValues.length);
  each((v) => {
    if (v >= 0) counts[v]!++;
  });
  const used: number[] = [];
  for (let v = 0; v < counts.length; v++) if (counts[v]! > 0) used.push(v);
  if (limit === undefined || used.length <= limit) return (v, add) => add(v >= 0 ? v : NULL_GROUP);
  used.sort((a, b) => counts[b]! - counts[a]! || a - b);
  const keep = new Uint8Array(counts.length);
  for (const v of used.slice(0, limit)) keep[v] = 1;
  return (v, add) => add(v < 0 ? NULL_GROUP : keep[v] ? v : OTHER_GROUP);
}

function group(out: Map<number, RetentionGroup>, value: number, periods: number, maxOffset: number): RetentionGroup {
  let g = out.get(value);
  if (!g) {
    g = { value, sizes: new Int32Array(periods), counts: new Int32Array(periods * (maxOffset + 1)) };
    out.set(value, g);
  }
  return g;
}

/** Largest groups first; the null group and "other" last. */
function ordered(out: Map<number, RetentionGroup>): RetentionGroup[] {
  const total = (g: RetentionGroup) => g.sizes.reduce((a, b) => a + b, 0);
  const rank = (g: RetentionGroup) => (g.value === OTHER_GROUP ? 2 : g.value === NULL_GROUP ? 1 : 0);
  return [...out.values()].sort((a, b) => rank(a) - rank(b) || total(b) - total(a) || a.value - b.value);
}

/** A growable Int32 array (amortized O(1) push, no boxing). */
export class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
