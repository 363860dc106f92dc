import { CaptureError } from "./capture-error";

const WINDOW_S = 60;

/** Events taken per second over the last minute, for the quota gauge. */
interface Usage {
  ratePerSec: number;
  second: Int32Array;
  count: Float64Array;
}

/**
 * Token bucket per key: `ratePerSec` events per second, bursts up to one second's worth. Also
 * keeps, per quota label (the project), how many events were taken in each of the last 60
 * seconds, so `usage()` can say what share of the quota the last minute used.
 */
export class EventRateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private used = new Map<string, Usage>();

  /** `label` is what the quota usage is kept under (the project: never the key, which is a credential). */
  take(key: string, label: string, ratePerSec: number, events: number, now = Date.now()): void {
    const b = this.buckets.get(key) ?? { tokens: ratePerSec, at: now };
    b.tokens = Math.min(ratePerSec, b.tokens + ((now - b.at) / 1000) * ratePerSec);
    b.at = now;
    if (b.tokens < events) {
      this.buckets.set(key, b);
      const wait = Math.max(1, Math.ceil((events - b.tokens) / ratePerSec));
      throw new CaptureError(429, "api_key", `rate limit of ${ratePerSec} events/s exceeded`, wait);
    }
    b.tokens -= events;
    this.buckets.set(key, b);
    this.record(label, ratePerSec, events, now);
  }

  private record(label: string, ratePerSec: number, events: number, now: number) {
    let u = this.used.get(label);
    if (!u) this.used.set(label, (u = { ratePerSec, second: new Int32Array(WINDOW_S).fill(-1), count: new Float64Array(WINDOW_S) }));
    u.ratePerSec = ratePerSec;
    const s = Math.floor(now / 1000);
    const i = s % WINDOW_S;
    if (u.second[i] !== s) {
      u.second[i] = s;
      u.count[i] = 0;
    }
    u.count[i]! += events;
  }

  /** Per label: events taken in the last 60 s over what the rate allows in 60 s (0..1). */
  usage(now = Date.now()): Map<string, number> {
    const out = new Map<string, number>();
    const s = Math.floor(now / 1000);
    for (const [label, u] of this.used) {
      let n = 0;
      for (let i = 0; i < WINDOW_S; i++) if (u.second[i]! > s - WINDOW_S && u.second[i]! <= s) n += u.count[i]!;
      out.set(label, Math.min(1, n / (u.ratePerSec * WINDOW_S)));
    }
    return out;
  }
}
