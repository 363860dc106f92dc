import { PeriodCursor, type PeriodIndex } from "./period-index";
import type { EventStream } from "./stream/types";

export interface LifecycleCounts {
  /** Per period of `periods` (period 0 is the look-back period: its counts are not a result). */
  new: Int32Array;
  returning: Int32Array;
  resurrecting: Int32Array;
  /** Negative: persons active in the period before and not in this one. */
  dormant: Int32Array;
}

/**
 * Lifecycle states in one time-ordered pass, as PostHog defines them. A person active in period
 * q (an event with `bit` set) is
 * - new: no matching event before q at all (neither in the stream nor in `prior`),
 * - returning: active in q - 1 too,
 * - resurrecting: not active in q - 1, but earlier;
 * and dormant in q when active in q - 1 and not in q. The stream should start one period
 * before the first result period, so that period 1's states are known; `prior` marks persons
 * (by stream index) with a matching event before the stream.
 */
export function lifecycleStates(s: EventStream, periods: PeriodIndex, bit: number, prior: Uint8Array | null): LifecycleCounts {
  const P = periods.count;
  const out: LifecycleCounts = { new: new Int32Array(P), returning: new Int32Array(P), resurrecting: new Int32Array(P), dormant: new Int32Array(P) };
  const last = new Int32Array(s.personCount).fill(-1);
  const mask = 1 << bit;
  const cursor = new PeriodCursor(periods);
  const { ts, person, match } = s;
  for (let i = 0; i < s.length; i++) {
    if ((match[i]! & mask) === 0) continue;
    const p = person[i]!;
    const q = cursor.at(ts[i]!);
    const l = last[p]!;
    if (l === q || q < 0 || q >= P) continue;
    last[p] = q;
    if (l >= 0 && q > l + 1) out.dormant[l + 1]!--;
    if (l === -1 && !(prior && prior[p])) out.new[q]!++;
    else if (l >= 0 && l === q - 1) out.returning[q]!++;
    else out.resurrecting[q]!++;
  }
  for (let p = 0; p < s.personCount; p++) {
    const l = last[p]!;
    if (l >= 0 && l + 1 < P) out.dormant[l + 1]!--;
  }
  return out;
}
