import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import { parseRetryAfter } from "./retry.js";
import type { FetchLike } from "./types.js";
import { LIB, LIB_VERSION } from "./version.js";

const gzip = promisify(gzipCb);

export type SendResult =
  | { kind: "ok" }
  | { kind: "rejected"; status: number; body: string }
  | { kind: "too_large" }
  | { kind: "retry"; afterMs?: number; status?: number; error?: unknown };

export interface PostOptions {
  url: string;
  apiKey: string;
  gzip: boolean;
  fetch: FetchLike;
  timeoutMs: number;
  signal: AbortSignal;
}

/** POSTs pre-serialised events as one batch and says what to do next. */
export async function postBatch(eventsJson: readonly string[], o: PostOptions): Promise<SendResult> {
  const json = `{"batch":[${eventsJson.join(",")}],"sent_at":${JSON.stringify(new Date().toISOString())}}`;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Authorization: `Bearer ${o.apiKey}`,
    "User-Agent": `${LIB}/${LIB_VERSION}`,
  };
  let body: string | Uint8Array<ArrayBuffer> = json;
  if (o.gzip) {
    body = new Uint8Array(await gzip(json));
    headers["Content-Encoding"] = "gzip";
  }
  try {
    const res = await o.fetch(o.url, { method: "POST", headers, body, signal: AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]) });
    // Always read the body: undici keeps the connection busy until it is consumed.
    const text = await res.text().catch(() => "");
    if (res.status >= 200 && res.status < 300) return { kind: "ok" };
    if (res.status === 413) return { kind: "too_large" };
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      return { kind: "retry", status: res.status, afterMs: parseRetryAfter(res.headers.get("retry-after")) };
    }
    return { kind: "rejected", status: res.status, body: text };
  } catch (error) {
    return { kind: "retry", error };
  }
}
