import type { IncomingMessage } from "node:http";
import zlib from "node:zlib";
import { CaptureError } from "./capture-error";
import { limits } from "./limits";

/** Reads the raw body, refusing more than the limit before buffering it all. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limits.maxBodyBytes) {
      req.resume();
      return reject(new CaptureError(413, "body", `larger than ${limits.maxBodyBytes} bytes`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limits.maxBodyBytes) {
        req.removeAllListeners("data");
        req.resume();
        reject(new CaptureError(413, "body", `larger than ${limits.maxBodyBytes} bytes`));
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => reject(new CaptureError(400, "body", "the request body was cut off")));
  });
}

function gunzip(buf: Buffer): Buffer {
  try {
    return zlib.gunzipSync(buf, { maxOutputLength: limits.maxDecodedBytes });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new CaptureError(413, "body", `larger than ${limits.maxDecodedBytes} bytes after decompression`);
    }
    throw new CaptureError(400, "body", "is not valid gzip");
  }
}

function base64(text: string): Buffer {
  const clean = text.trim();
  if (!/^[A-Za-z0-9+/\-_=\s]*$/.test(clean)) throw new CaptureError(400, "body", "is not valid base64");
  const buf = Buffer.from(clean, "base64");
  if (buf.length > limits.maxDecodedBytes) throw new CaptureError(413, "body", `larger than ${limits.maxDecodedBytes} bytes after decoding`);
  return buf;
}

function parseJson(buf: Buffer | string, field = "body"): unknown {
  try {
    return JSON.parse(typeof buf === "string" ? buf : buf.toString("utf8"));
  } catch {
    throw new CaptureError(400, field, "is not valid JSON");
  }
}

const isGzip = (b: Buffer) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

/** A decoded body, and whether its strings can skip the NUL / lone-surrogate check. */
export interface DecodedBody {
  body: unknown;
  /**
   * The JSON text had no `\u` sequence. Its strings (keys and values) then hold neither NUL nor
   * lone surrogates: JSON refuses raw control characters in strings, and UTF-8 decoding turns
   * invalid bytes (encoded surrogates included) into U+FFFD, so only a `\u` escape makes either.
   */
  plainStrings: boolean;
}

const BACKSLASH_U = Buffer.from("\\u");

/**
 * Decodes what PostHog, Segment and native clients send: JSON; gzip (Content-Encoding, or
 * posthog-js's `?compression=gzip-js`, or the gzip magic bytes); base64 (`?compression=base64`);
 * form bodies with a `data=` field (base64 or JSON), as posthog-js sends from old browsers.
 */
export function decodeBody(raw: Buffer, contentType: string | undefined, contentEncoding: string | undefined, query: URLSearchParams): unknown {
  return decodeBodyChecked(raw, contentType, contentEncoding, query).body;
}

/** decodeBody, also telling whether the strings need the NUL / surrogate check (DecodedBody). */
export function decodeBodyChecked(raw: Buffer, contentType: string | undefined, contentEncoding: string | undefined, query: URLSearchParams): DecodedBody {
  if (raw.length === 0) throw new CaptureError(400, "body", "is empty");
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  let compression = (query.get("compression") ?? "").toLowerCase();
  let buf = raw;

  if (type === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(raw.toString("utf8"));
    const data = form.get("data");
    if (data === null) throw new CaptureError(400, "data", "form body needs a data field");
    compression = (form.get("compression") ?? compression).toLowerCase();
    if (compression === "lz64") throw new CaptureError(400, "compression", "lz64 is not supported; use gzip-js or base64");
    const trimmed = data.trim();
    return { body: parseJson(trimmed.startsWith("{") || trimmed.startsWith("[") ? trimmed : base64(trimmed), "data"), plainStrings: false };
  }
  if (type && !["application/json", "text/plain", "application/octet-stream", "application/gzip"].includes(type)) {
    throw new CaptureError(415, "content-type", `${type} is not supported; send application/json`);
  }
  if (compression === "lz64") throw new CaptureError(400, "compression", "lz64 is not supported; use gzip-js or base64");
  const encoding = (contentEncoding ?? "").toLowerCase();
  if (encoding && encoding !== "gzip" && encoding !== "identity") {
    throw new CaptureError(415, "content-encoding", `${encoding} is not supported; use gzip`);
  }
  if (encoding === "gzip" || compression === "gzip-js" || compression === "gzip" || isGzip(buf)) buf = gunzip(buf);
  else if (compression === "base64") buf = base64(buf.toString("utf8"));
  if (buf.length > limits.maxDecodedBytes) throw new CaptureError(413, "body", `larger than ${limits.maxDecodedBytes} bytes`);
  return { body: parseJson(buf), plainStrings: buf.indexOf(BACKSLASH_U) === -1 };
}
