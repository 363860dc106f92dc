import { parseRetryAfter } from "./retry.js";
import type { CaptureEvent } from "./types.js";

export type SendResult =
  | { kind: "ok" }
  | { kind: "rejected"; status: number }
  | { kind: "too_large" }
  | { kind: "retry"; afterMs?: number };

/** The server's per-request limit (bodies are sent uncompressed). */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Browsers allow 64 KiB of keepalive/beacon payload in flight per page; stay under it. */
export const MAX_BEACON_BYTES = 60 * 1024;
const REQUEST_TIMEOUT_MS = 15_000;

export function envelope(apiKey: string, batch: readonly CaptureEvent[]): string {
  return JSON.stringify({ api_key: apiKey, batch, sent_at: new Date().toISOString() });
}

export function envelopeBytes(apiKey: string): number {
  return 64 + apiKey.length;
}

export function classify(status: number, retryAfter: string | null): SendResult {
  if (status >= 200 && status < 300) return { kind: "ok" };
  if (status === 413) return { kind: "too_large" };
  if (status === 408 || status === 429 || status >= 500) return { kind: "retry", afterMs: parseRetryAfter(retryAfter) };
  return { kind: "rejected", status };
}

/**
 * text/plain keeps the POST a CORS "simple request" (no preflight) and matches what beacons
 * send; the key travels in the body for the same reason.
 */
export async function postBatch(url: string, apiKey: string, batch: readonly CaptureEvent[]): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: envelope(apiKey, batch),
      credentials: "omit",
      signal: typeof AbortSignal.timeout === "function" ? AbortSignal.timeout(REQUEST_TIMEOUT_MS) : undefined,
    });
    return classify(res.status, res.headers.get("Retry-After"));
  } catch {
    return { kind: "retry" };
  }
}

/** Hands the batch to the browser to deliver after the page is gone; false when it refused. */
export function beacon(url: string, apiKey: string, batch: readonly CaptureEvent[]): boolean {
  const body = envelope(apiKey, batch);
  try {
    if (typeof navigator.sendBeacon === "function") {
      return navigator.sendBeacon(url, new Blob([body], { type: "text/plain;charset=UTF-8" }));
    }
    void fetch(url, { method: "POST", body, keepalive: true, credentials: "omit", headers: { "Content-Type": "text/plain;charset=UTF-8" } }).catch(() => {});
    return true;
  } catch {
    return false;
  }
}
