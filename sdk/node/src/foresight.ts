import { type ConversionAnswer, type ConversionRequest, postExperiments, type VariantAnswer, type VariantRequest } from "./experiments.js";
import { backoffMs, sleep } from "./retry.js";
import { postBatch } from "./transport.js";
import {
  type AliasMessage,
  type CaptureEvent,
  type CaptureMessage,
  ForesightError,
  type ForesightOptions,
  type IdentifyMessage,
  type Properties,
} from "./types.js";
import { uuidv7 } from "./uuid.js";
import { LIB, LIB_VERSION } from "./version.js";

/** The capture API's per-request limits; bytes are counted before compression. */
const MAX_BATCH_EVENTS = 1000;
const MAX_BATCH_BYTES = 1024 * 1024;
const ENVELOPE_BYTES = 64;

interface Queued {
  event: CaptureEvent;
  /** Serialised once, at capture, so that unserialisable properties fail there and sizes are known. */
  json: string;
  bytes: number;
}

type Settings = Required<Omit<ForesightOptions, "apiKey" | "host">>;

const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;

/**
 * Server-side Foresight client: queues events, sends them in batches, retries what can be
 * retried, and reports every failure to `onError` instead of throwing. Call `shutdown()` before
 * the process exits (on SIGTERM) so that nothing queued is lost.
 */
export class Foresight {
  private readonly o: Settings;
  private readonly url: string;
  private readonly host: string;
  private readonly apiKey: string;
  private queue: Queued[] = [];
  private draining: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly abort = new AbortController();
  private readonly disabled: boolean;

  constructor(options: ForesightOptions) {
    this.o = {
      flushAt: Math.max(1, options.flushAt ?? 100),
      flushIntervalMs: Math.max(0, options.flushIntervalMs ?? 1000),
      maxRetries: Math.max(0, options.maxRetries ?? 5),
      gzip: options.gzip ?? true,
      fetch: options.fetch ?? ((url, init) => fetch(url, init)),
      onError: options.onError ?? ((e) => console.error(`[foresight] ${e.message}`)),
      maxQueueSize: Math.max(1, options.maxQueueSize ?? 10_000),
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
    };
    this.apiKey = options.apiKey;
    this.host = String(options.host ?? "").replace(/\/+$/, "");
    this.url = `${this.host}/api/capture`;
    this.disabled = !isText(options.apiKey) || !URL.canParse(this.url);
    if (this.disabled) {
      this.report(new ForesightError("invalid_input", "Foresight needs an apiKey and a valid host; events will be dropped"));
    }
  }

  capture(message: CaptureMessage): void {
    this.guard(() => {
      const { distinctId, event, properties, timestamp, uuid } = message ?? ({} as CaptureMessage);
      if (!isText(distinctId) || !isText(event)) return this.invalid("capture() needs a distinctId and an event name");
      const when = timestamp === undefined ? new Date() : new Date(timestamp);
      if (Number.isNaN(when.getTime())) return this.invalid(`capture() got an invalid timestamp for "${event}"`);
      if (uuid !== undefined && !isText(uuid)) return this.invalid("capture() got an empty uuid");
      this.enqueue({ event, distinct_id: distinctId, timestamp: when.toISOString(), uuid: uuid ?? uuidv7(), properties: this.props(properties) });
    });
  }

  /** Sets person properties and marks the id as a known user (`$identify`). */
  identify(message: IdentifyMessage): void {
    this.guard(() => {
      const { distinctId, properties } = message ?? ({} as IdentifyMessage);
      if (!isText(distinctId)) return this.invalid("identify() needs a distinctId");
      this.enqueue({ ...this.base("$identify", distinctId), properties: this.props(), $set: { ...properties } });
    });
  }

  /** Makes `alias` another id of the person `distinctId` (`$create_alias`). */
  alias(message: AliasMessage): void {
    this.guard(() => {
      const { distinctId, alias } = message ?? ({} as AliasMessage);
      if (!isText(distinctId) || !isText(alias)) return this.invalid("alias() needs a distinctId and an alias");
      this.enqueue({ ...this.base("$create_alias", distinctId), properties: this.props({ alias }) });
    });
  }

  /**
   * The person's variant in an experiment, asked of the server (which records the exposure when
   * the person is in it). One request, `requestTimeoutMs` at most; resolves `null` when there is no
   * answer (the reason goes to `onError`): show the control then. Never rejects.
   */
  async getVariant(request: VariantRequest): Promise<VariantAnswer | null> {
    const { experimentKey, distinctId, properties } = request ?? ({} as VariantRequest);
    if (!isText(experimentKey) || !isText(distinctId)) {
      this.invalid("getVariant() needs an experimentKey and a distinctId");
      return null;
    }
    return this.experimentsCall<VariantAnswer>("variant", { experiment_key: experimentKey, distinct_id: distinctId, ...(properties ? { properties } : {}) });
  }

  /** Records a conversion of the experiment's metric for the person; `null` when it was not recorded (reason to `onError`). Never rejects. */
  async trackConversion(request: ConversionRequest): Promise<ConversionAnswer | null> {
    const { experimentKey, distinctId, event, properties, value } = request ?? ({} as ConversionRequest);
    if (!isText(experimentKey) || !isText(distinctId) || !isText(event)) {
      this.invalid("trackConversion() needs an experimentKey, a distinctId and an event");
      return null;
    }
    return this.experimentsCall<ConversionAnswer>("conversion", {
      experiment_key: experimentKey,
      distinct_id: distinctId,
      event,
      ...(properties ? { properties } : {}),
      ...(value !== undefined ? { value } : {}),
    });
  }

  private async experimentsCall<T>(path: "variant" | "conversion", body: Record<string, unknown>): Promise<T | null> {
    if (this.disabled) return null;
    const r = await postExperiments<T>({ host: this.host, apiKey: this.apiKey, fetch: this.o.fetch, timeoutMs: this.o.requestTimeoutMs }, path, body);
    if (r.ok) return r.value;
    const kind = r.status === 401 || r.status === 403 ? "unauthorized" : r.status !== undefined && r.status < 500 ? "rejected" : "retries_exhausted";
    this.report(new ForesightError(kind, `experiments ${path}: ${r.message}`, [], r.status, r.field ? { field: r.field } : undefined, r.cause ? { cause: r.cause } : undefined));
    return null;
  }

  /** Sends everything queued; resolves once the server has answered (or retries ran out). Never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return (this.draining ??= this.drain()
      .catch((err: unknown) => this.report(new ForesightError("retries_exhausted", "unexpected error while sending", [], undefined, undefined, { cause: err })))
      .finally(() => (this.draining = null)));
  }

  /**
   * Refuses new events, sends everything queued and waits for requests in flight. With a timeout,
   * gives up after it and reports what is still unsent.
   */
  shutdown(timeoutMs?: number): Promise<void> {
    return (this.closing ??= this.close(timeoutMs));
  }

  private async close(timeoutMs: number | undefined): Promise<void> {
    const done = this.flush();
    if (timeoutMs === undefined) return done;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([done.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
    clearTimeout(timer);
    if (!timedOut) return;
    this.abort.abort();
    await done;
  }

  private base(event: string, distinctId: string) {
    return { event, distinct_id: distinctId, timestamp: new Date().toISOString(), uuid: uuidv7() };
  }

  private props(properties?: Properties): Properties {
    return { ...properties, $lib: LIB, $lib_version: LIB_VERSION };
  }

  private enqueue(event: CaptureEvent): void {
    if (this.disabled) return;
    if (this.closing) return this.report(new ForesightError("shutdown", `"${event.event}" was captured after shutdown()`, [event]));
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch (err) {
      return this.report(new ForesightError("invalid_input", `"${event.event}" has properties that are not JSON`, [event], undefined, undefined, { cause: err }));
    }
    const bytes = Buffer.byteLength(json);
    if (bytes + ENVELOPE_BYTES > MAX_BATCH_BYTES) {
      return this.report(new ForesightError("too_large", `"${event.event}" is larger than a request may be`, [event]));
    }
    this.queue.push({ event, json, bytes });
    if (this.queue.length > this.o.maxQueueSize) {
      const dropped = this.queue.splice(0, this.queue.length - this.o.maxQueueSize);
      this.report(new ForesightError("queue_full", `queue full: dropped the ${dropped.length} oldest event(s)`, dropped.map((q) => q.event)));
    }
    if (this.queue.length >= this.o.flushAt) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.o.flushIntervalMs).unref();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.abort.signal.aborted) await this.deliver(this.take());
    if (this.queue.length > 0) {
      const left = this.queue.splice(0);
      this.report(new ForesightError("shutdown", `shutdown timed out with ${left.length} event(s) unsent`, left.map((q) => q.event)));
    }
  }

  /** The oldest events that fit in one request. */
  private take(): Queued[] {
    let bytes = ENVELOPE_BYTES;
    let n = 0;
    while (n < this.queue.length && n < MAX_BATCH_EVENTS && bytes + this.queue[n]!.bytes + 1 <= MAX_BATCH_BYTES) bytes += this.queue[n++]!.bytes + 1;
    return this.queue.splice(0, n);
  }

  private async deliver(batch: Queued[]): Promise<void> {
    const events = () => batch.map((q) => q.event);
    for (let attempt = 0; ; attempt++) {
      const result = await postBatch(
        batch.map((q) => q.json),
        { url: this.url, apiKey: this.apiKey, gzip: this.o.gzip, fetch: this.o.fetch, timeoutMs: this.o.requestTimeoutMs, signal: this.abort.signal },
      );
      if (result.kind === "ok") return;
      if (result.kind === "rejected") return this.rejected(result.status, result.body, batch);
      if (result.kind === "too_large") {
        if (batch.length === 1) return this.report(new ForesightError("too_large", "the server refused an event as too large", events(), 413));
        const half = Math.ceil(batch.length / 2);
        await this.deliver(batch.slice(0, half));
        return this.deliver(batch.slice(half));
      }
      if (this.abort.signal.aborted) return this.report(new ForesightError("shutdown", `shutdown timed out with ${batch.length} event(s) in flight`, events()));
      if (attempt >= this.o.maxRetries) {
        const why = result.status ? `HTTP ${result.status}` : String((result.error as Error | undefined)?.message ?? result.error);
        return this.report(
          new ForesightError("retries_exhausted", `gave up on ${batch.length} event(s) after ${attempt + 1} attempts (${why})`, events(), result.status, undefined, {
            cause: result.error,
          }),
        );
      }
      await sleep(result.afterMs ?? backoffMs(attempt, this.o.retryBaseDelayMs, this.o.retryMaxDelayMs), this.abort.signal);
    }
  }

  private rejected(status: number, body: string, batch: Queued[]): void {
    if (status === 401 || status === 403) {
      return this.report(new ForesightError("unauthorized", `the server refused the write key (${status})`, batch.map((q) => q.event), status));
    }
    let details: unknown = body;
    try {
      details = JSON.parse(body);
    } catch {
      // Not JSON: keep the text.
    }
    // A 400 names the refused events by index; the rest of the batch was stored.
    const indexes = (details as { errors?: { index?: unknown }[] } | null)?.errors?.map((e) => e.index).filter((i): i is number => typeof i === "number");
    const refused = indexes?.length ? [...new Set(indexes)].flatMap((i) => batch[i]?.event ?? []) : batch.map((q) => q.event);
    this.report(new ForesightError("rejected", `the server refused ${refused.length} event(s) (${status})`, refused, status, details));
  }

  private invalid(message: string): void {
    this.report(new ForesightError("invalid_input", message));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.report(new ForesightError("invalid_input", "unexpected error while capturing", [], undefined, undefined, { cause: err }));
    }
  }

  private report(error: ForesightError): void {
    try {
      this.o.onError(error);
    } catch {
      // An onError that throws must not break the caller either.
    }
  }
}
