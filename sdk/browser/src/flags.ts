import { type KeyValue, memoryStore, webStorage } from "./storage.js";
import type { Properties } from "./types.js";

export type FlagValue = string | boolean;
export type FlagsListener = (flags: Record<string, FlagValue>, payloads: Record<string, unknown>) => void;

/** What the flags need of the page's client (`foresight` or a `ForesightBrowser`). */
export interface FlagsClient {
  capture(event: string, properties?: Properties): void;
  getDistinctId(): string;
  getSessionId(): string;
  /** False while capture is off (opted out, no consent yet): exposures are then neither sent nor marked as sent. */
  isCapturing?(): boolean;
}

export interface BrowserFlagsOptions {
  /** The project's write key. */
  apiKey: string;
  /** Origin of the Foresight server; default the page's. */
  host?: string;
  /** Sent with every flags request (merged over the stored person's properties on the server). */
  personProperties?: Properties;
  environment?: string;
  /** Where flags and sent exposures are cached; default localStorage (memory where it is unavailable). */
  storage?: KeyValue;
  fetch?: (url: string, init: { method: "POST"; headers: Record<string, string>; body: string }) => Promise<{ status: number; json(): Promise<unknown> }>;
  /** Fetch at once (default true). */
  loadOnStart?: boolean;
}

interface Cached {
  distinctId: string;
  flags: Record<string, FlagValue>;
  payloads: Record<string, unknown>;
  at: number;
}

const FLAGS_KEY = "fs_flags";
const EXPOSED_KEY = "fs_flags_exposed";

/**
 * Feature flags in the browser: fetched from POST /api/flags for the current distinct id, cached
 * in localStorage so the next page load answers at once (then refreshes), and `$feature_flag_called`
 * sent once per flag and value per session. Reads never throw and never wait: before the first
 * answer they return the cached value or undefined; `onFeatureFlags` tells you when flags arrive.
 */
export class BrowserFlags {
  private readonly store: KeyValue;
  private readonly host: string;
  private cached: Cached | null;
  private listeners = new Set<FlagsListener>();
  private loading: Promise<void> | null = null;
  private loadingFor: string | null = null;

  constructor(
    private readonly client: FlagsClient,
    private readonly o: BrowserFlagsOptions,
  ) {
    this.store = o.storage ?? (typeof window !== "undefined" ? webStorage("localStorage") : null) ?? memoryStore();
    this.host = (o.host ?? (typeof location !== "undefined" ? location.origin : "")).replace(/\/+$/, "");
    this.cached = this.readCache();
    if (o.loadOnStart !== false) void this.reload();
  }

  /** Fetches flags for the current distinct id (call after identify / reset, or when properties change). */
  reload(personProperties?: Properties): Promise<void> {
    if (personProperties) this.o.personProperties = { ...this.o.personProperties, ...personProperties };
    const id = this.client.getDistinctId();
    if (this.loading && this.loadingFor === id && !personProperties) return this.loading;
    // A load for another person (or older properties) may be in flight: this one follows it.
    const after = this.loading ?? Promise.resolve();
    this.loadingFor = id;
    const mine: Promise<void> = after.then(() => this.load()).finally(() => {
      if (this.loading === mine) this.loading = null;
    });
    return (this.loading = mine);
  }

  getFeatureFlag(key: string, options: { sendEvent?: boolean } = {}): FlagValue | undefined {
    const c = this.current();
    if (!c || !(key in c.flags)) return undefined;
    const value = c.flags[key]!;
    if (options.sendEvent !== false) this.expose(key, value);
    return value;
  }

  isFeatureEnabled(key: string, options: { sendEvent?: boolean } = {}): boolean | undefined {
    const v = this.getFeatureFlag(key, options);
    return v === undefined ? undefined : v !== false;
  }

  getFeatureFlagPayload(key: string): unknown {
    return this.current()?.payloads[key];
  }

  /** Every flag as last loaded for the current person. */
  getAllFlags(): Record<string, FlagValue> {
    return { ...this.current()?.flags };
  }

  /** Called with the flags now (if any are known for this person) and after every load; returns an unsubscribe. */
  onFeatureFlags(listener: FlagsListener): () => void {
    this.listeners.add(listener);
    const c = this.current();
    if (c) this.notify(listener, c);
    return () => void this.listeners.delete(listener);
  }

  private current(): Cached | null {
    const c = this.cached;
    if (c && c.distinctId === this.client.getDistinctId()) return c;
    if (c && !this.loading) void this.reload(); // the person changed (identify / reset)
    return null;
  }

  private notify(listener: FlagsListener, c: Cached) {
    try {
      listener({ ...c.flags }, { ...c.payloads });
    } catch (err) {
      console.warn("[foresight] onFeatureFlags listener failed", err);
    }
  }

  private async load(): Promise<void> {
    const distinctId = this.client.getDistinctId();
    if (!distinctId) return;
    try {
      const doFetch = this.o.fetch ?? ((url, init) => fetch(url, init));
      const res = await doFetch(`${this.host}/api/flags`, {
        method: "POST",
        // text/plain keeps the request "simple": no CORS preflight.
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ api_key: this.o.apiKey, distinct_id: distinctId, person_properties: this.o.personProperties, environment: this.o.environment }),
      });
      if (res.status !== 200) return console.warn(`[foresight] flags: the server answered ${res.status}`);
      const body = (await res.json()) as { flags: Record<string, FlagValue>; payloads: Record<string, unknown> };
      this.cached = { distinctId, flags: body.flags ?? {}, payloads: body.payloads ?? {}, at: Date.now() };
      this.store.set(FLAGS_KEY, JSON.stringify(this.cached));
      for (const l of this.listeners) this.notify(l, this.cached);
    } catch (err) {
      console.warn("[foresight] flags could not be loaded", err);
    }
  }

  private readCache(): Cached | null {
    try {
      const c = JSON.parse(this.store.get(FLAGS_KEY) ?? "null") as Cached | null;
      return c && typeof c.distinctId === "string" && c.flags ? c : null;
    } catch {
      return null;
    }
  }

  /** Once per (session, flag, value): the set is kept with the session id and replaced when it changes. */
  private expose(key: string, value: FlagValue): void {
    if (this.client.isCapturing && !this.client.isCapturing()) return;
    const session = this.client.getSessionId();
    let sent: { session: string; keys: string[] };
    try {
      sent = JSON.parse(this.store.get(EXPOSED_KEY) ?? "null") ?? { session, keys: [] };
    } catch {
      sent = { session, keys: [] };
    }
    if (sent.session !== session) sent = { session, keys: [] };
    const k = `${key}\u0000${String(value)}`;
    if (sent.keys.includes(k)) return;
    sent.keys.push(k);
    this.store.set(EXPOSED_KEY, JSON.stringify(sent));
    this.client.capture("$feature_flag_called", { $feature_flag: key, $feature_flag_response: value });
  }
}
