import { CaptureError } from "./capture-error";

/** Token bucket per key: `ratePerSec` events per second, bursts up to one second's worth. */
export class EventRateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  take(key: string, ratePerSec: number, events: number, now = Date.now()): void {
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
  }
}
