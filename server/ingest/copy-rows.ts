import type { IngestRow } from "./ingest-row";

export const EVENT_COLUMNS = [
  "project_id", "uuid", "event", "timestamp", "distinct_id", "person_id", "session_id",
  "url", "host", "pathname", "referrer", "referring_domain", "device", "browser", "browser_version",
  "os", "os_version", "country", "city", "utm_source", "utm_medium", "utm_campaign", "utm_term",
  "utm_content", "revenue", "ip", "properties",
] as const;

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** One field in PostgreSQL's COPY text format. */
function field(v: string | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : v;
}

/** The COPY text lines for `rows` (with their resolved persons), in EVENT_COLUMNS order. */
export function copyText(rows: IngestRow[], personIds: string[]): string {
  let out = "";
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const f = r.fields;
    out +=
      r.projectId + "\t" + r.uuid + "\t" + field(r.event) + "\t" + new Date(r.ts).toISOString() + "\t" +
      field(r.distinctId) + "\t" + personIds[i] + "\t" + field(r.sessionId) + "\t" +
      field(f.url) + "\t" + field(f.host) + "\t" + field(f.pathname) + "\t" + field(f.referrer) + "\t" +
      field(f.referringDomain) + "\t" + field(f.device) + "\t" + field(f.browser) + "\t" + field(f.browserVersion) + "\t" +
      field(f.os) + "\t" + field(f.osVersion) + "\t" + field(f.country) + "\t" + field(f.city) + "\t" +
      field(f.utmSource) + "\t" + field(f.utmMedium) + "\t" + field(f.utmCampaign) + "\t" + field(f.utmTerm) + "\t" +
      field(f.utmContent) + "\t" + (r.revenue === null ? "\\N" : String(r.revenue)) + "\t" + field(f.ip) + "\t" +
      field(r.propertiesJson ?? JSON.stringify(r.properties)) + "\n";
  }
  return out;
}

/** PostgreSQL's binary COPY header: signature, flags, header extension length. */
const BINARY_HEADER = Buffer.from("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", "latin1");
/** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
const PG_EPOCH_MS = 946_684_800_000;
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX["0123456789abcdef".charCodeAt(i)] = i;
  HEX["0123456789ABCDEF".charCodeAt(i)] = i;
}

/**
 * UTF-8 into `b` at `offset`, returning the bytes written: Buffer's own utf8Write (what
 * Buffer#write calls after normalising its arguments), or Buffer#write where it is missing.
 */
const utf8Write: (b: Buffer, s: string, offset: number) => number =
  typeof (Buffer.prototype as unknown as { utf8Write?: unknown }).utf8Write === "function"
    ? (b, s, offset) => (b as unknown as { utf8Write(s: string, offset: number): number }).utf8Write(s, offset)
    : (b, s, offset) => b.write(s, offset, "utf8");

/**
 * Writes rows in PostgreSQL's binary COPY format into one growing buffer: no text escaping, no
 * ISO dates, uuids as their 16 bytes, strings copied once as UTF-8 (the writer's hot path).
 */
class BinaryRows {
  buf: Buffer;
  off = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 1024));
  }

  room(n: number) {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  int16(v: number) {
    this.room(2);
    this.buf[this.off++] = (v >> 8) & 0xff;
    this.buf[this.off++] = v & 0xff;
  }

  /** A field's length prefix at `o` (plain byte stores: Buffer's writeInt32BE checks its arguments). */
  private length(o: number, n: number) {
    const b = this.buf;
    b[o] = n >>> 24;
    b[o + 1] = (n >>> 16) & 0xff;
    b[o + 2] = (n >>> 8) & 0xff;
    b[o + 3] = n & 0xff;
  }

  nul() {
    this.room(4);
    const b = this.buf;
    const o = this.off;
    b[o] = b[o + 1] = b[o + 2] = b[o + 3] = 0xff;
    this.off = o + 4;
  }

  /** Copies bytes written earlier (a repeated field, prefix included). */
  bytes(src: Buffer) {
    this.room(src.length);
    this.off += src.copy(this.buf, this.off);
  }

  text(s: string | null | undefined) {
    if (s === null || s === undefined) return this.nul();
    this.room(4 + s.length * 3);
    const b = this.buf;
    const start = this.off + 4;
    if (s.length <= 64) {
      // Short ASCII strings by hand: cheaper than a call into the native encoder.
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 128) break;
        b[start + i] = c;
      }
      if (i === s.length) {
        this.length(this.off, i);
        this.off = start + i;
        return;
      }
    }
    const n = utf8Write(b, s, start);
    this.length(this.off, n);
    this.off += 4 + n;
  }

  /** jsonb: version byte 1, then the JSON text. */
  jsonb(s: string) {
    this.room(5 + s.length * 3);
    const n = utf8Write(this.buf, s, this.off + 5);
    this.length(this.off, n + 1);
    this.buf[this.off + 4] = 1;
    this.off += 5 + n;
  }

  uuid(s: string) {
    this.room(20);
    const b = this.buf;
    let o = this.off;
    this.length(o, 16);
    o += 4;
    let hi = -1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 45) continue; // '-'
      const v = c < 128 ? HEX[c]! : -1;
      if (v < 0) throw new Error(`not a uuid: ${s}`);
      if (hi < 0) hi = v;
      else {
        b[o++] = (hi << 4) | v;
        hi = -1;
      }
    }
    if (o !== this.off + 20) throw new Error(`not a uuid: ${s}`);
    this.off = o;
  }

  /** timestamptz from epoch milliseconds: int64 microseconds since 2000-01-01. */
  timestamp(ms: number) {
    this.room(12);
    const us = (ms - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(us / 4294967296);
    this.length(this.off, 8);
    this.length(this.off + 4, hi | 0);
    this.length(this.off + 8, us - hi * 4294967296);
    this.off += 12;
  }

  /** numeric from a finite number (at most 4 decimals, as revenue is rounded): base-10000 digits. */
  numeric(v: number | null) {
    if (v === null) return this.nul();
    const neg = v < 0;
    const text = Math.abs(v).toFixed(4);
    const dot = text.indexOf(".");
    let int = text.slice(0, dot).replace(/^0+/, "");
    let frac = text.slice(dot + 1).replace(/0+$/, "");
    const dscale = frac.length;
    // Pad to whole base-10000 groups on both sides of the point.
    int = "0".repeat((4 - (int.length % 4)) % 4) + int;
    frac = frac + "0".repeat((4 - (frac.length % 4)) % 4);
    const digits: number[] = [];
    for (let i = 0; i < int.length; i += 4) digits.push(Number(int.slice(i, i + 4)));
    for (let i = 0; i < frac.length; i += 4) digits.push(Number(frac.slice(i, i + 4)));
    let weight = int.length / 4 - 1;
    while (digits.length && digits[0] === 0) {
      digits.shift();
      weight--;
    }
    while (digits.length && digits[digits.length - 1] === 0) digits.pop();
    if (!digits.length) weight = 0;
    const size = 8 + 2 * digits.length;
    this.room(4 + size);
    let o = this.buf.writeInt32BE(size, this.off);
    o = this.buf.writeInt16BE(digits.length, o);
    o = this.buf.writeInt16BE(weight, o);
    o = this.buf.writeUInt16BE(neg && digits.length ? 0x4000 : 0, o);
    o = this.buf.writeInt16BE(dscale, o);
    for (const d of digits) o = this.buf.writeInt16BE(d, o);
    this.off = o;
  }
}

/** The end of a binary COPY stream. */
export const BINARY_TRAILER = Buffer.from([0xff, 0xff]);
export { BINARY_HEADER };

/**
 * The COPY data (binary format: `copy events (...) from stdin with (format binary)`) for `rows`
 * with their resolved persons, in EVENT_COLUMNS order; with the stream's header and trailer
 * unless `framed` is false (for a stream made of several calls' output).
 */
export function copyBinary(rows: IngestRow[], personIds: string[], framed = true): Buffer {
  const w = new BinaryRows(rows.length * 900 + BINARY_HEADER.length + 2);
  if (framed) w.bytes(BINARY_HEADER);
  // Rows of a group nearly always share their project: its field is encoded once.
  let project = "";
  let projectBytes = Buffer.alloc(0);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const f = r.fields;
    w.int16(EVENT_COLUMNS.length);
    if (r.projectId !== project) {
      const start = w.off;
      w.uuid(r.projectId);
      project = r.projectId;
      projectBytes = Buffer.from(w.buf.subarray(start, w.off));
    } else w.bytes(projectBytes);
    w.uuid(r.uuid);
    w.text(r.event);
    w.timestamp(r.ts);
    w.text(r.distinctId);
    w.uuid(personIds[i]!);
    w.text(r.sessionId);
    w.text(f.url);
    w.text(f.host);
    w.text(f.pathname);
    w.text(f.referrer);
    w.text(f.referringDomain);
    w.text(f.device);
    w.text(f.browser);
    w.text(f.browserVersion);
    w.text(f.os);
    w.text(f.osVersion);
    w.text(f.country);
    w.text(f.city);
    w.text(f.utmSource);
    w.text(f.utmMedium);
    w.text(f.utmCampaign);
    w.text(f.utmTerm);
    w.text(f.utmContent);
    w.numeric(r.revenue);
    w.text(f.ip);
    w.jsonb(r.propertiesJson ?? JSON.stringify(r.properties));
  }
  if (framed) w.int16(-1);
  return w.buf.subarray(0, w.off);
}
