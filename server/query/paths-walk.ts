import type { EventStream } from "./stream/types";

export interface PathWalkOptions {
  /** Bit of `match` for the start selector / end selector, or null when the query has none. */
  startBit: number | null;
  endBit: number | null;
  /**
   * Rows that are path elements: those with this bit set (e.g. `$pageview` for page paths), or
   * every row when null. Start and end rows are always elements.
   */
  elementBit: number | null;
  /** Most elements per path. */
  steps: number;
  /** A path ends when the next element comes more than this many ms after the previous one. */
  gapMs: number;
}

export interface WalkedPaths {
  /** Element names (indexes into `stream.eventNames`), person after person: path j is
   * names[offsets[j] .. offsets[j + 1]). */
  names: Int32Array;
  offsets: Int32Array;
  count: number;
}

/** Per-person walk state: looking for a start (0, the initial value), recording, done. */
const RECORDING = 1;
const DONE = 2;

/**
 * At most one path per person, read in one time-ordered pass over the stream (element names
 * from `stream.eventName`). Consecutive repeats of a name collapse into one element; more than
 * `gapMs` without an element ends the path.
 * - start only: from the person's first start event, the next elements up to `steps`.
 * - end only: the last elements (up to `steps`, end included) before the person's first end
 *   event, within its session.
 * - both: from a start event to the end event after it, within `steps` and a session: the
 *   person's first end event that has a start event at most `steps - 1` elements before it in
 *   its session, from the earliest such start (the person's first qualifying start).
 * - neither: from the person's first event, as with a start event.
 */
export function walkPaths(s: EventStream, o: PathWalkOptions): WalkedPaths {
  if (!s.eventName) throw new Error("paths need a stream with event names");
  const n = s.personCount;
  const N = o.steps;
  const state = new Uint8Array(n);
  const len = new Uint8Array(n);
  const head = new Uint8Array(n); // ring start (end-only mode)
  const lastTs = new Float64Array(n);
  const lastName = new Int32Array(n).fill(-1);
  const buf = new Int32Array(n * N);
  const kept = new Uint8Array(n);
  const S = o.startBit === null ? 0 : 1 << o.startBit;
  const E = o.endBit === null ? 0 : 1 << o.endBit;
  const el = o.elementBit === null ? -1 : (1 << o.elementBit) | S | E;
  const endOnly = E !== 0 && S === 0;
  const both = E !== 0 && S !== 0;
  const { ts, person, match } = s;
  const names = s.eventName;
  const ring = E !== 0;
  const flags = ring ? new Uint8Array(n * N) : null; // ring slot holds a start element
  for (let i = 0; i < s.length; i++) {
    const m = match[i]!;
    if (el !== -1 && (m & el) === 0) continue;
    const p = person[i]!;
    const st = state[p]!;
    if (st === DONE) continue;
    const t = ts[i]!;
    const name = names[i]!;
    const base = p * N;
    if (ring) {
      // The last elements of the current session in a ring of N slots, oldest at head[p].
      if (lastName[p] !== -1 && t - lastTs[p]! > o.gapMs) {
        len[p] = 0;
        head[p] = 0;
        lastName[p] = -1;
      }
      const repeat = name === lastName[p];
      lastTs[p] = t;
      const isStart = endOnly || (m & S) !== 0;
      if ((m & E) !== 0) {
        const have = len[p]!;
        const window = repeat ? N : N - 1;
        let k = have > window ? have - window : 0;
        if (both) while (k < have && !flags![base + ((head[p]! + k) % N)]) k++;
        if (k < have || (endOnly && !repeat)) {
          const path: number[] = [];
          for (; k < have; k++) path.push(buf[base + ((head[p]! + k) % N)]!);
          if (!repeat) path.push(name);
          for (let x = 0; x < path.length; x++) buf[base + x] = path[x]!;
          len[p] = path.length;
          state[p] = DONE;
          kept[p] = 1;
          continue;
        }
      }
      if (repeat) {
        if (isStart) flags![base + ((head[p]! + len[p]! - 1) % N)] = 1;
        continue;
      }
      lastName[p] = name;
      let slot: number;
      if (len[p]! < N) {
        slot = base + ((head[p]! + len[p]!) % N);
        len[p]!++;
      } else {
        slot = base + head[p]!;
        head[p] = (head[p]! + 1) % N;
      }
      buf[slot] = name;
      flags![slot] = isStart ? 1 : 0;
      continue;
    }
    if (st === RECORDING) {
      if (t - lastTs[p]! > o.gapMs) {
        state[p] = DONE;
        kept[p] = 1;
        continue;
      }
      lastTs[p] = t;
      if (name !== lastName[p]) {
        buf[base + len[p]!] = name;
        len[p]!++;
        lastName[p] = name;
        if (len[p]! >= N) {
          state[p] = DONE;
          kept[p] = 1;
        }
      }
      continue;
    }
    // LOOKING: does this row start a path?
    if (S !== 0 && (m & S) === 0) continue;
    state[p] = RECORDING;
    buf[base] = name;
    len[p] = 1;
    lastName[p] = name;
    lastTs[p] = t;
    if (N === 1) {
      state[p] = DONE;
      kept[p] = 1;
    }
  }
  // Paths still open when the stream ends are complete, except unfinished start-to-end attempts.
  let count = 0;
  let total = 0;
  for (let p = 0; p < n; p++) {
    if (state[p] === RECORDING && !ring) kept[p] = 1;
    if (kept[p]) {
      count++;
      total += len[p]!;
    }
  }
  const outNames = new Int32Array(total);
  const offsets = new Int32Array(count + 1);
  let j = 0;
  let at = 0;
  for (let p = 0; p < n; p++) {
    if (!kept[p]) continue;
    const l = len[p]!;
    outNames.set(buf.subarray(p * N, p * N + l), at);
    at += l;
    offsets[++j] = at;
  }
  return { names: outNames, offsets, count };
}
