export type Properties = Record<string, unknown>;

/** One event as the capture API receives it. */
export interface CaptureEvent {
  event: string;
  distinct_id: string;
  timestamp: string;
  uuid: string;
  properties: Properties;
  $set?: Properties;
  $set_once?: Properties;
}

/** The subset of `fetch` the client uses, so undici, node-fetch or a test double fit. */
export type FetchLike = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string | Uint8Array<ArrayBuffer>; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface ForesightOptions {
  /** The project's write key. */
  apiKey: string;
  /** Origin of the Foresight server, e.g. `https://foresight.example.com`. */
  host: string;
  /** Send when this many events are queued (at most 1000). Default 100. */
  flushAt?: number;
  /** Send queued events at most this long after the first one was queued. Default 1000. */
  flushIntervalMs?: number;
  /** Retries of a failed request (5xx, 429, 408, network) before its events are given up. Default 5. */
  maxRetries?: number;
  /** Gzip request bodies. Default true. */
  gzip?: boolean;
  fetch?: FetchLike;
  /** Where failures go: the client never throws into your code. Default: `console.error`. */
  onError?: (error: ForesightError) => void;
  /** Oldest events are dropped (and reported) beyond this many queued. Default 10000. */
  maxQueueSize?: number;
  /** Default 10000. */
  requestTimeoutMs?: number;
  /** First retry delay; doubles per attempt, with jitter, up to `retryMaxDelayMs`. Default 500. */
  retryBaseDelayMs?: number;
  /** Default 30000. */
  retryMaxDelayMs?: number;
}

export interface CaptureMessage {
  distinctId: string;
  event: string;
  properties?: Properties;
  /** When it happened; defaults to now. */
  timestamp?: Date | string;
  /** Idempotency key; defaults to a new UUIDv7. Reuse it when re-sending the same event. */
  uuid?: string;
}

export interface IdentifyMessage {
  distinctId: string;
  /** Person properties to set (`$set`). */
  properties?: Properties;
}

export interface AliasMessage {
  distinctId: string;
  alias: string;
}

export type ForesightErrorKind =
  /** A call with missing or unusable arguments; nothing was queued. */
  | "invalid_input"
  /** The server refused events with 400 (its `errors` are in `details`); valid ones in the batch were kept. */
  | "rejected"
  /** 401/403: the write key is wrong. */
  | "unauthorized"
  | "too_large"
  | "retries_exhausted"
  | "queue_full"
  /** Captured after `shutdown()`, or still unsent when its timeout ran out. */
  | "shutdown";

export class ForesightError extends Error {
  override readonly name = "ForesightError";

  constructor(
    readonly kind: ForesightErrorKind,
    message: string,
    /** The events that were not (or not all) accepted. */
    readonly events: readonly CaptureEvent[] = [],
    readonly status?: number,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
