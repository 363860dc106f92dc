import { flagBucket } from "./flag-hash.js";
import { evaluateFlag, type BucketFn, type FlagDef, type FlagEvaluation, type FlagValue } from "./flags-evaluate.js";
import { ForesightError, type Properties } from "./types.js";

export type { FlagDef, FlagEvaluation, FlagValue } from "./flags-evaluate.js";

/** The subset of `fetch` the flags client uses. */
export type FlagsFetch = (
  url: string,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** Something that can capture `$feature_flag_called`: the `Foresight` client. */
export interface ExposureSink {
  capture(message: { distinctId: string; event: string; properties?: Properties }): void;
}

export interface FlagsOptions {
  /** Origin of the Foresight server. */
  host: string;
  /** A project secret key: enables local evaluation from GET /api/flags/definitions. */
  secretKey?: string;
  /** The project's write key: remote evaluation (POST /api/flags) when a flag cannot be decided locally. */
  apiKey?: string;
  /** How often definitions are polled (with If-None-Match). Default 30000; 0 polls only on `reloadDefinitions()`. */
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  fetch?: FlagsFetch;
  onError?: (error: ForesightError) => void;
  /** Sends `$feature_flag_called` once per (person, flag, value) through this client. */
  exposures?: ExposureSink;
  /** Bucket values remembered (people x flags); evaluating the same people again skips SHA-1. Default 100000. */
  hashCacheSize?: number;
}

export interface FlagCallOptions {
  /** Properties of the person for property conditions (local evaluation knows only what you pass). */
  personProperties?: Properties;
  environment?: string;
  /** Cohort ids the person is in, if you know them; otherwise cohort rules are evaluated remotely. */
  cohorts?: readonly string[];
  /** Never ask the server; undecidable flags come back undefined. */
  onlyLocal?: boolean;
  /** Do not send `$feature_flag_called` for this call. */
  sendExposure?: boolean;
}

/**
 * Feature flags for Node servers. With a secret key it polls the project's flag definitions
 * (ETag, so an unchanged set costs a 304) and evaluates in-process with the same code and hash as
 * the server; flags it cannot decide (a cohort condition, an unknown key, definitions not loaded
 * yet) are asked of POST /api/flags with the write key. Methods never throw: failures go to
 * `onError` and the answer is `undefined`.
 */
export class ForesightFlags {
  private readonly host: string;
  private readonly fetch: FlagsFetch;
  private readonly onError: (e: ForesightError) => void;
  private readonly timeoutMs: number;
  private definitions: Map<string, FlagDef> | null = null;
  private etag: string | null = null;
  private loading: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly plainBuckets = new Map<string, Map<string, number>>();
  private readonly variantBuckets = new Map<string, Map<string, number>>();
  private memoSize = 0;
  private readonly hashCacheSize: number;
  private readonly exposed = new Set<string>();
  private firstLoad: Promise<boolean>;

  /**
   * The hash with a bounded memo: the same (flag, person) pairs come back request after request.
   * Two levels (salt and flag key, then distinct id) so a lookup hashes only strings the caller
   * already holds, which V8 hashes once per string, instead of a freshly concatenated key.
   */
  readonly bucket: BucketFn = (key, id, salt) => {
    const bySalt = salt === "" ? this.plainBuckets : salt === "variant" ? this.variantBuckets : null;
    if (bySalt === null || this.hashCacheSize === 0) return flagBucket(key, id, salt);
    let byId = bySalt.get(key);
    if (byId === undefined) bySalt.set(key, (byId = new Map()));
    let b = byId.get(id);
    if (b === undefined) {
      b = flagBucket(key, id, salt);
      if (++this.memoSize > this.hashCacheSize) {
        this.plainBuckets.clear();
        this.variantBuckets.clear();
        this.memoSize = 1;
        bySalt.set(key, (byId = new Map()));
      }
      byId.set(id, b);
    }
    return b;
  };

  constructor(private readonly o: FlagsOptions) {
    this.host = String(o.host ?? "").replace(/\/+$/, "");
    this.fetch = o.fetch ?? ((url, init) => fetch(url, init));
    this.onError = o.onError ?? ((e) => console.error(`[foresight] ${e.message}`));
    this.timeoutMs = o.requestTimeoutMs ?? 10_000;
    this.hashCacheSize = Math.max(0, o.hashCacheSize ?? 100_000);
    this.firstLoad = o.secretKey ? this.reloadDefinitions() : Promise.resolve(false);
    const every = o.pollIntervalMs ?? 30_000;
    if (o.secretKey && every > 0) this.timer = setInterval(() => void this.reloadDefinitions(), every).unref();
  }

  /** Resolves once the first definitions request has finished (true when definitions are loaded). */
  async ready(): Promise<boolean> {
    await this.firstLoad;
    return this.definitions !== null;
  }

  /** Fetches definitions now; resolves true when they changed. */
  reloadDefinitions(): Promise<boolean> {
    return (this.loading ??= this.load().finally(() => (this.loading = null)));
  }

  /** Keys of the flags loaded for local evaluation. */
  get flagKeys(): string[] {
    return this.definitions ? [...this.definitions.keys()] : [];
  }

  /**
   * Synchronous local evaluation; undefined when it cannot be decided here (no definitions, an
   * unknown key, or a cohort condition without `cohorts`).
   */
  evaluateLocally(key: string, distinctId: string, options: FlagCallOptions = {}): FlagEvaluation | undefined {
    const flag = this.definitions?.get(key);
    if (!flag) return undefined;
    const r = evaluateFlag(flag, { distinctId, properties: options.personProperties, environment: options.environment ?? null, cohorts: options.cohorts }, this.bucket);
    return r.reason === "needs_cohorts" ? undefined : r;
  }

  async getFeatureFlag(key: string, distinctId: string, options: FlagCallOptions = {}): Promise<FlagValue | undefined> {
    return (await this.decide(key, distinctId, options))?.value;
  }

  async isFeatureEnabled(key: string, distinctId: string, options: FlagCallOptions = {}): Promise<boolean | undefined> {
    const v = await this.getFeatureFlag(key, distinctId, options);
    return v === undefined ? undefined : v !== false;
  }

  async getFeatureFlagPayload(key: string, distinctId: string, options: FlagCallOptions = {}): Promise<unknown> {
    return (await this.decide(key, distinctId, { ...options, sendExposure: false }))?.payload;
  }

  /** Every flag for a person: local where possible, one remote request for the rest. */
  async getAllFlags(distinctId: string, options: FlagCallOptions = {}): Promise<Record<string, FlagValue>> {
    await this.firstLoad;
    const out: Record<string, FlagValue> = {};
    let undecided = this.definitions === null;
    for (const key of this.flagKeys) {
      const r = this.evaluateLocally(key, distinctId, options);
      if (r) out[key] = r.value;
      else undecided = true;
    }
    if (undecided && !options.onlyLocal) {
      const remote = await this.remote(distinctId, options);
      if (remote) for (const [k, v] of Object.entries(remote.flags)) if (!(k in out)) out[k] = v;
    }
    return out;
  }

  shutdown(): void {
    clearInterval(this.timer);
  }

  private async decide(key: string, distinctId: string, options: FlagCallOptions): Promise<{ value: FlagValue; payload: unknown } | undefined> {
    try {
      if (this.definitions === null) await this.firstLoad;
      let result: { value: FlagValue; payload: unknown } | undefined = this.evaluateLocally(key, distinctId, options);
      if (!result && !options.onlyLocal) {
        const remote = await this.remote(distinctId, options);
        if (remote && key in remote.flags) result = { value: remote.flags[key]!, payload: remote.payloads[key] ?? null };
      }
      if (result && options.sendExposure !== false) this.expose(key, distinctId, result.value);
      return result;
    } catch (err) {
      this.onError(new ForesightError("invalid_input", `flag "${key}" could not be evaluated`, [], undefined, undefined, { cause: err }));
      return undefined;
    }
  }

  private expose(key: string, distinctId: string, value: FlagValue): void {
    if (!this.o.exposures) return;
    const k = `${distinctId}\u0000${key}\u0000${String(value)}`;
    if (this.exposed.has(k)) return;
    if (this.exposed.size > 50_000) this.exposed.clear();
    this.exposed.add(k);
    this.o.exposures.capture({ distinctId, event: "$feature_flag_called", properties: { $feature_flag: key, $feature_flag_response: value } });
  }

  private async request(path: string, init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string }) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      const res = await this.fetch(`${this.host}${path}`, { ...init, signal: abort.signal });
      return { status: res.status, etag: res.headers.get("etag"), text: res.status === 304 ? "" : await res.text() };
    } finally {
      clearTimeout(timer);
    }
  }

  private async load(): Promise<boolean> {
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${this.o.secretKey}` };
      if (this.etag && this.definitions) headers["if-none-match"] = this.etag;
      const res = await this.request("/api/flags/definitions", { method: "GET", headers });
      if (res.status === 304) return false;
      if (res.status !== 200) {
        this.onError(new ForesightError(res.status === 401 ? "unauthorized" : "rejected", `flag definitions: the server answered ${res.status} ${res.text.slice(0, 200)}`, [], res.status));
        return false;
      }
      const body = JSON.parse(res.text) as { flags: FlagDef[] };
      this.definitions = new Map(body.flags.map((f) => [f.key, f]));
      this.etag = res.etag;
      return true;
    } catch (err) {
      this.onError(new ForesightError("retries_exhausted", "flag definitions could not be fetched", [], undefined, undefined, { cause: err }));
      return false;
    }
  }

  private async remote(distinctId: string, options: FlagCallOptions): Promise<{ flags: Record<string, FlagValue>; payloads: Record<string, unknown> } | null> {
    if (!this.o.apiKey) return null;
    const res = await this.request("/api/flags", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ api_key: this.o.apiKey, distinct_id: distinctId, person_properties: options.personProperties, environment: options.environment }),
    });
    if (res.status !== 200) {
      this.onError(new ForesightError(res.status === 401 ? "unauthorized" : "rejected", `flags: the server answered ${res.status} ${res.text.slice(0, 200)}`, [], res.status));
      return null;
    }
    return JSON.parse(res.text);
  }
}
