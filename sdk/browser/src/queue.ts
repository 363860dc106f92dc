import type { KeyValue } from "./storage.js";
import type { CaptureEvent } from "./types.js";

interface Stored {
  updatedAt: number;
  events: CaptureEvent[];
}

/** Queues of other tabs untouched this long are taken over (their tab is most likely gone). */
const ORPHAN_AFTER_MS = 60_000;

/**
 * Events waiting to be sent, mirrored to localStorage under a per-tab key so that they survive a
 * reload without two open tabs sending (or overwriting) each other's events.
 */
export class EventQueue {
  private events: CaptureEvent[] = [];
  private store: KeyValue | null = null;

  private tabId = "";

  constructor(
    private readonly prefix: string,
    private readonly maxSize = 1000,
  ) {}

  private get key() {
    return `${this.prefix}${this.tabId}`;
  }

  /** Starts persisting to `store` (null: memory only), adopting this tab's and orphaned queues. */
  attach(store: KeyValue | null, tabId: string, now: number = Date.now()): void {
    this.store = store;
    this.tabId = tabId;
    if (!store) return;
    const seen = new Set(this.events.map((e) => e.uuid));
    for (const key of store.keys()) {
      if (!key.startsWith(this.prefix)) continue;
      const stored = parse(store.get(key));
      const mine = key === this.key;
      if (!stored || (!mine && now - stored.updatedAt < ORPHAN_AFTER_MS)) continue;
      for (const e of stored.events) if (!seen.has(e.uuid)) (seen.add(e.uuid), this.events.push(e));
      if (!mine) store.remove(key);
    }
    this.events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    this.trim();
    this.save();
  }

  items(): CaptureEvent[] {
    return this.events.slice();
  }

  get size(): number {
    return this.events.length;
  }

  push(event: CaptureEvent): void {
    this.events.push(event);
    this.trim();
    this.save();
  }

  remove(sent: readonly CaptureEvent[]): void {
    const ids = new Set(sent.map((e) => e.uuid));
    this.events = this.events.filter((e) => !ids.has(e.uuid));
    this.save();
  }

  clear(): void {
    this.events = [];
    this.store?.remove(this.key);
  }

  private trim() {
    if (this.events.length > this.maxSize) this.events.splice(0, this.events.length - this.maxSize);
  }

  private save() {
    if (!this.store) return;
    if (this.events.length === 0) this.store.remove(this.key);
    else this.store.set(this.key, JSON.stringify({ updatedAt: Date.now(), events: this.events } satisfies Stored));
  }
}

function parse(raw: string | null): Stored | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Stored;
    return typeof v.updatedAt === "number" && Array.isArray(v.events) ? v : null;
  } catch {
    return null;
  }
}
