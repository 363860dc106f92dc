import type { EventStream } from "./stream/types";

/**
 * The funnel algorithm over an EventStream, without SQL: rows are regrouped by person (a stable
 * counting sort keeps each person's rows in stream order) and each person's rows are walked
 * once. Bit k of a row's match mask is step k; exclusion selectors follow the steps.
 *
 * Semantics (also in docs/decisions/0007-per-person-insights-in-node.md):
 * - A chain is a step-0 row followed by rows of steps 1, 2, ... in stream order. The whole
 *   funnel must happen within `windowMs` of the step-0 row (inclusive); step k must happen
 *   within `stepWindowMs[k]` of step k-1 (inclusive). One row never serves as two steps of a
 *   chain. Rows at the same millisecond count in stream order (ties: selector order, so a step
 *   and the next one at the same instant convert).
 * - strict: the rows of a chain must be consecutive among all the person's rows in the stream.
 * - any: a chain is a window [t, t + windowMs] starting at a row of any step; its level is the
 *   number of distinct steps done in it (each row serves one step); per-step windows do not
 *   apply (the schema refuses them).
 * - A person's chain is the one that reaches their furthest step first. Its step times give the
 *   times between steps and the time to convert.
 * - Exclusion (from, to): the person is dropped from the funnel when an exclusion row falls
 *   strictly after their chain's step `from` and strictly before its step `to`, or, when the
 *   chain never reached `to`, after step `from` and no later than the chain's deadline (the
 *   last instant at which it could still have gone on).
 */
export interface FunnelSpec {
  steps: number;
  order: "ordered" | "strict" | "any";
  windowMs: number;
  /** [k]: max ms from step k-1 to step k; Infinity when the step has no window. [0] unused. */
  stepWindowMs: Float64Array;
  exclusions: { bit: number; from: number; to: number }[];
}

/**
 * Rows of person p are `rows[start[p] .. start[p + 1])`, in stream order; `ts` and `match` are
 * the same rows' values laid out in that order, so a walk reads memory sequentially.
 */
export interface PersonRows {
  start: Int32Array;
  rows: Int32Array;
  ts: Float64Array;
  match: Uint32Array;
}

/** `withRows: false` leaves `rows` empty (nothing then needs stream row indices: no breakdown). */
export function rowsByPerson(stream: EventStream, withRows = true): PersonRows {
  const start = new Int32Array(stream.personCount + 1);
  const person = stream.person;
  const n = stream.length;
  for (let i = 0; i < n; i++) start[person[i]! + 1]!++;
  for (let p = 0; p < stream.personCount; p++) start[p + 1]! += start[p]!;
  const next = start.slice(0, stream.personCount);
  const rows = new Int32Array(withRows ? n : 0);
  const ts = new Float64Array(n);
  const match = new Uint32Array(n);
  const sts = stream.ts;
  const smatch = stream.match;
  for (let i = 0; i < n; i++) {
    const j = next[person[i]!]!++;
    if (withRows) rows[j] = i;
    ts[j] = sts[i]!;
    match[j] = smatch[i]!;
  }
  return { start, rows, ts, match };
}

export const EXCLUDED = -2;
export const NOT_IN_FUNNEL = -1;

/**
 * Finds one person's chain. `startOk(row)` says whether a row may start a chain (breakdown
 * group of the step-0 row). Writes step times (ms) to `times[0..level]` and returns the level
 * (0-based furthest step), NOT_IN_FUNNEL, or EXCLUDED.
 */
export class FunnelWalker {
  private readonly n: number;
  // Chain entries of the current person: start, time of last step, deadline for the next step.
  private entS = new Float64Array(64);
  private entT = new Float64Array(64);
  private entD = new Float64Array(64);
  private entParent = new Int32Array(64);
  private entries = 0;
  private readonly cur: Int32Array;
  private readonly nxt: Int32Array;
  private readonly cnt: Int32Array;
  private readonly first: Float64Array;
  private readonly stepMask: number;

  constructor(private readonly spec: FunnelSpec) {
    this.n = spec.steps;
    this.cur = new Int32Array(this.n);
    this.nxt = new Int32Array(this.n);
    this.cnt = new Int32Array(this.n);
    this.first = new Float64Array(this.n);
    this.stepMask = this.n >= 32 ? 0xffffffff : (1 << this.n) - 1;
  }

  walk(by: PersonRows, lo: number, hi: number, startOk: ((row: number) => boolean) | null, times: Float64Array): number {
    const level =
      this.spec.order === "ordered"
        ? this.ordered(by, lo, hi, startOk, times)
        : this.spec.order === "strict"
          ? this.strict(by, lo, hi, startOk, times)
          : this.any(by, lo, hi, startOk, times);
    if (level < 0 || this.spec.exclusions.length === 0) return level;
    return this.excluded(by, lo, hi, level, times) ? EXCLUDED : level;
  }

  private entry(s: number, t: number, d: number, parent: number): number {
    if (this.entries === this.entS.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.entS = grow(this.entS);
      this.entT = grow(this.entT);
      this.entD = grow(this.entD);
      this.entParent = grow(this.entParent);
    }
    const e = this.entries++;
    this.entS[e] = s;
    this.entT[e] = t;
    this.entD[e] = d;
    this.entParent[e] = parent;
    return e;
  }

  /** Deadline for the step after `level` of a chain started at s whose step `level` is at t. */
  private deadline(level: number, s: number, t: number): number {
    const w = level + 1 < this.n ? this.spec.stepWindowMs[level + 1]! : Infinity;
    return Math.min(s + this.spec.windowMs, t + w);
  }

  private trace(e: number, level: number, times: Float64Array) {
    for (let k = level; k >= 0; k--) {
      times[k] = this.entT[e]!;
      e = this.entParent[e]!;
    }
  }

  /**
   * Ordered funnels, one pass over the person's rows in time order, keeping one chain per level:
   * the one made last. A partial chain at level k is summed up by (s, d): its start and the
   * deadline for step k+1, d = min(t_k + w_{k+1}, s + W). A later row at t extends it iff t <= d,
   * and the extended chain's future depends only on s (its last step is that row), where a larger
   * s is never worse. A chain (s, d) dominates (s', d') when s >= s' and d >= d'.
   *
   * Why the last chain of each level dominates every chain of that level built from the rows
   * seen so far (induction over levels and rows): at level 0 a newer row has a later s and a
   * later d. At level k, the chain made at row r extends the last chain of level k-1 (made
   * before r: levels are handled from high to low for a row, so r never extends itself); if
   * that one is dead at r (d < t) every chain of level k-1 is, since it dominates them. The
   * last chain of level k-1 only gets newer over time, so its s never decreases; t grows; hence
   * both s and d of the level-k chains made one after another never decrease, and the newest
   * dominates. Any feasible chain reaching level k+1 at row r has a prefix at level k that is
   * live at r and dominated by our kept chain, which is then live too: so whenever some chain
   * can reach a level at a row, ours does at that same row, and the furthest level is found
   * (first reached at the earliest possible row). Linear in rows times steps.
   */
  private ordered(by: PersonRows, lo: number, hi: number, startOk: ((row: number) => boolean) | null, times: Float64Array): number {
    const { ts, match, rows } = by;
    const n = this.n;
    const last = this.cur;
    this.entries = 0;
    last.fill(-1);
    let best = -1;
    let bestEntry = -1;
    for (let i = lo; i < hi; i++) {
      const m = match[i]! & this.stepMask;
      if (m === 0) continue;
      const t = ts[i]!;
      for (let k = n - 1; k >= 1; k--) {
        if ((m & (1 << k)) === 0) continue;
        const from = last[k - 1]!;
        if (from < 0 || this.entD[from]! < t) continue;
        const s = this.entS[from]!;
        const e = this.entry(s, t, this.deadline(k, s, t), from);
        last[k] = e;
        if (k > best) {
          best = k;
          bestEntry = e;
        }
      }
      if (m & 1 && (startOk === null || startOk(rows[i]!))) {
        const e = this.entry(t, t, this.deadline(0, t, t), -1);
        last[0] = e;
        if (best < 0) {
          best = 0;
          bestEntry = e;
        }
      }
      if (best === n - 1) break;
    }
    if (best >= 0) this.trace(bestEntry, best, times);
    return best;
  }

  /** Strict funnels: a chain can only be extended by the person's very next row. */
  private strict(by: PersonRows, lo: number, hi: number, startOk: ((row: number) => boolean) | null, times: Float64Array): number {
    const { ts, match, rows } = by;
    const n = this.n;
    const cur = this.cur;
    const nxt = this.nxt;
    this.entries = 0;
    cur.fill(-1);
    let best = -1;
    let bestEntry = -1;
    for (let i = lo; i < hi; i++) {
      const m = match[i]! & this.stepMask;
      const t = ts[i]!;
      nxt.fill(-1);
      if (m !== 0) {
        for (let k = n - 1; k >= 1; k--) {
          if ((m & (1 << k)) === 0) continue;
          const from = cur[k - 1]!;
          if (from < 0 || this.entD[from]! < t) continue;
          const s = this.entS[from]!;
          const e = this.entry(s, t, this.deadline(k, s, t), from);
          nxt[k] = e;
          if (k > best) {
            best = k;
            bestEntry = e;
          }
        }
        if (m & 1 && (startOk === null || startOk(rows[i]!))) {
          const e = this.entry(t, t, this.deadline(0, t, t), -1);
          nxt[0] = e;
          if (best < 0) {
            best = 0;
            bestEntry = e;
          }
        }
      }
      cur.set(nxt);
      if (best === n - 1) break;
    }
    if (best >= 0) this.trace(bestEntry, best, times);
    return best;
  }

  /**
   * Any order: for each row of a step that may start, the window [t, t + W]; its level is the
   * size of a maximum matching of distinct steps to rows in it (rows matching one step each make
   * it the count of distinct steps). Two pointers keep this linear when masks have one bit.
   */
  private any(by: PersonRows, lo: number, hi: number, startOk: ((row: number) => boolean) | null, times: Float64Array): number {
    const { ts, match, rows } = by;
    const n = this.n;
    const cnt = this.cnt;
    cnt.fill(0);
    let covered = 0;
    let multi = 0; // rows in the window matching more than one step
    let j = lo;
    let best = -1;
    let bestStart = -1;
    let bestEnd = -1;
    for (let i = lo; i < hi; i++) {
      const m = match[i]! & this.stepMask;
      if (m !== 0 && (startOk === null || startOk(rows[i]!))) {
        const end = ts[i]! + this.spec.windowMs;
        if (j < i) j = i;
        while (j < hi && ts[j]! <= end) {
          const mj = match[j]! & this.stepMask;
          if (mj !== 0) {
            for (let k = 0; k < n; k++) if (mj & (1 << k) && cnt[k]!++ === 0) covered++;
            if (mj & (mj - 1)) multi++;
          }
          j++;
        }
        const level = (multi > 0 ? this.matching(match, i, j) : covered) - 1;
        if (level > best) {
          best = level;
          bestStart = i;
          bestEnd = j;
        }
        if (best === n - 1) break;
      }
      // Row i leaves the window.
      if (m !== 0 && j > i) {
        for (let k = 0; k < n; k++) if (m & (1 << k) && --cnt[k]! === 0) covered--;
        if (m & (m - 1)) multi--;
      }
    }
    if (best < 0) return best;
    // Step times: the first row of each step in the chosen window, in time order.
    this.first.fill(Infinity);
    for (let i = bestStart; i < bestEnd; i++) {
      const m = match[i]! & this.stepMask;
      for (let k = 0; k < n; k++) if (m & (1 << k) && this.first[k] === Infinity) this.first[k] = ts[i]!;
    }
    const sorted = Array.from(this.first)
      .filter((x) => x !== Infinity)
      .sort((a, b) => a - b);
    for (let k = 0; k <= best; k++) times[k] = sorted[k]!;
    times[0] = ts[bestStart]!;
    return best;
  }

  /** Size of a maximum matching of steps to rows[i0..i1) (Kuhn's augmenting paths). */
  private matching(match: Uint32Array, i0: number, i1: number): number {
    const owner = new Map<number, number>(); // row -> step
    const byStep: number[][] = Array.from({ length: this.n }, () => []);
    for (let i = i0; i < i1; i++) {
      const m = match[i]! & this.stepMask;
      for (let k = 0; k < this.n; k++) if (m & (1 << k) && byStep[k]!.length <= this.n) byStep[k]!.push(i);
    }
    const tryStep = (k: number, seen: Set<number>): boolean => {
      for (const i of byStep[k]!) {
        if (seen.has(i)) continue;
        seen.add(i);
        const o = owner.get(i);
        if (o === undefined || tryStep(o, seen)) {
          owner.set(i, k);
          return true;
        }
      }
      return false;
    };
    let size = 0;
    for (let k = 0; k < this.n; k++) if (tryStep(k, new Set())) size++;
    return size;
  }

  private excluded(by: PersonRows, lo: number, hi: number, level: number, times: Float64Array): boolean {
    const { ts, match } = by;
    const s = times[0]!;
    const deadline = this.spec.order === "any" ? s + this.spec.windowMs : this.deadline(level, s, times[level]!);
    for (const x of this.spec.exclusions) {
      if (x.from > level) continue;
      const after = times[x.from]!;
      const reached = x.to <= level;
      const before = reached ? times[x.to]! : deadline;
      const bit = 1 << x.bit;
      for (let i = lo; i < hi; i++) {
        if ((match[i]! & bit) === 0) continue;
        const t = ts[i]!;
        if (t > after && (reached ? t < before : t <= before)) return true;
      }
    }
    return false;
  }
}
