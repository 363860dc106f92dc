import { splitBatches } from "./batch.js";
import type { EventQueue } from "./queue.js";
import { backoffMs } from "./retry.js";
import { MAX_BEACON_BYTES, MAX_REQUEST_BYTES, beacon, envelopeBytes, postBatch } from "./transport.js";

export interface SenderOptions {
  url: string;
  apiKey: string;
  batchSize: number;
  maxAttempts: number;
  warn: (message: string) => void;
  retryBaseMs?: number;
  retryCapMs?: number;
}

/**
 * Drains the queue one request at a time. Events leave the queue only once the server answered
 * for them (or a beacon took them), so a failed send just leaves them for the next try.
 */
export class Sender {
  private running: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private paused = false;
  private maxCount: number;

  constructor(
    private readonly queue: EventQueue,
    private readonly o: SenderOptions,
  ) {
    this.maxCount = o.batchSize;
  }

  /** Sends what is queued unless backing off or paused; `force` (an explicit flush) overrides both. */
  send(force = false): Promise<void> {
    if (force) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.paused = false;
    }
    if (this.retryTimer !== undefined || this.paused) return Promise.resolve();
    return (this.running ??= this.drain().finally(() => (this.running = null)));
  }

  private async drain(): Promise<void> {
    for (;;) {
      const pending = this.queue.items().slice(0, this.maxCount);
      if (pending.length === 0) return;
      const { batches, oversize } = splitBatches(pending, this.limits(MAX_REQUEST_BYTES, this.maxCount));
      if (oversize.length > 0) {
        this.o.warn(`dropped ${oversize.length} event(s) larger than the request limit`);
        this.queue.remove(oversize);
        continue;
      }
      const batch = batches[0]!;
      const result = await postBatch(this.o.url, this.o.apiKey, batch);
      if (result.kind === "retry") return this.scheduleRetry(result.afterMs);
      this.failures = 0;
      if (result.kind === "too_large" && batch.length > 1) {
        this.maxCount = Math.ceil(batch.length / 2);
        continue;
      }
      if (result.kind === "too_large") this.o.warn("the server refused an event as too large; dropped it");
      if (result.kind === "rejected") this.o.warn(`the server refused ${batch.length} event(s) with ${result.status}; not retrying`);
      if (result.kind === "ok") this.maxCount = this.o.batchSize;
      this.queue.remove(batch);
    }
  }

  private scheduleRetry(afterMs: number | undefined) {
    this.failures++;
    if (this.failures >= this.o.maxAttempts) {
      this.failures = 0;
      this.paused = true;
      this.o.warn("sending keeps failing; events stay queued for the next page load");
      return;
    }
    const delay = afterMs ?? backoffMs(this.failures - 1, this.o.retryBaseMs ?? 1000, this.o.retryCapMs ?? 60_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.send();
    }, delay);
  }

  /**
   * The page is going away: hand everything queued (in-flight batches too; the server dedupes on
   * uuid) to sendBeacon, while the browser accepts. What it refuses stays persisted for next time.
   */
  beaconAll(): void {
    const events = this.queue.items();
    if (events.length === 0) return;
    const { batches } = splitBatches(events, this.limits(MAX_BEACON_BYTES, 1000));
    for (const batch of batches) {
      if (!beacon(this.o.url, this.o.apiKey, batch)) break;
      this.queue.remove(batch);
    }
  }

  private limits(maxBytes: number, maxCount: number) {
    return { maxCount, maxBytes, envelopeBytes: envelopeBytes(this.o.apiKey) };
  }
}
