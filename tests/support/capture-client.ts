import zlib from "node:zlib";

export interface PostOptions {
  headers?: Record<string, string>;
  gzip?: boolean;
  raw?: string | Buffer;
}

/** POSTs JSON (or a raw body) to a capture endpoint and returns status, JSON body and headers. */
export async function post(base: string, path: string, body: unknown, opts: PostOptions = {}) {
  let payload: string | Buffer = opts.raw ?? JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
  if (opts.gzip) {
    payload = zlib.gzipSync(payload);
    headers["content-encoding"] ??= "gzip";
  }
  const res = await fetch(base + path, { method: "POST", headers, body: typeof payload === "string" ? payload : new Uint8Array(payload) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}
