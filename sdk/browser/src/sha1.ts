// SHA-1 (FIPS 180-4) of a string's UTF-8 bytes, synchronous and dependency-free, for the flag
// hash. Not Web Crypto: crypto.subtle is async and exists only in secure contexts (https or
// localhost), and flag checks must answer synchronously from the cached definitions. Written for
// speed on short keys (no allocation per call): it runs once per flag evaluation.

let bytes = new Uint8Array(256);
const W = new Int32Array(80);
const H = new Int32Array(5);

/** UTF-8 of `text` into `bytes` (as TextEncoder: lone surrogates become U+FFFD); returns the length. */
function encode(text: string): number {
  const need = text.length * 3 + 72;
  if (bytes.length < need) bytes = new Uint8Array(need * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes[n++] = c;
    } else if (c < 0x800) {
      bytes[n++] = 0xc0 | (c >> 6);
      bytes[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          i++;
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          bytes[n++] = 0xf0 | (cp >> 18);
          bytes[n++] = 0x80 | ((cp >> 12) & 63);
          bytes[n++] = 0x80 | ((cp >> 6) & 63);
          bytes[n++] = 0x80 | (cp & 63);
          continue;
        }
        c = 0xfffd;
      }
      bytes[n++] = 0xe0 | (c >> 12);
      bytes[n++] = 0x80 | ((c >> 6) & 63);
      bytes[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

/** Fills H with the five 32-bit words of the digest. */
function digest(text: string): void {
  const length = encode(text);
  // A 1 bit, zeros, and the 64-bit big-endian bit length, to a whole number of 64-byte blocks.
  const total = (((length + 8) >> 6) + 1) << 6;
  bytes[length] = 0x80;
  bytes.fill(0, length + 1, total - 8);
  const bits = length * 8;
  const high = Math.floor(bits / 0x100000000);
  bytes[total - 8] = high >>> 24;
  bytes[total - 7] = high >>> 16;
  bytes[total - 6] = high >>> 8;
  bytes[total - 5] = high;
  bytes[total - 4] = bits >>> 24;
  bytes[total - 3] = bits >>> 16;
  bytes[total - 2] = bits >>> 8;
  bytes[total - 1] = bits;

  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  for (let off = 0; off < total; off += 64) {
    for (let t = 0; t < 16; t++) {
      const j = off + t * 4;
      W[t] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
    }
    for (let t = 16; t < 80; t++) {
      const x = W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!;
      W[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      const f = t < 20 ? ((b & c) | (~b & d)) + 0x5a827999 : t < 40 ? (b ^ c ^ d) + 0x6ed9eba1 : t < 60 ? ((b & c) | (b & d) | (c & d)) - 0x70e44324 : (b ^ c ^ d) - 0x359d3e2a;
      const temp = (((a << 5) | (a >>> 27)) + f + e + W[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  H[0] = h0;
  H[1] = h1;
  H[2] = h2;
  H[3] = h3;
  H[4] = h4;
}

/** The SHA-1 digest in lowercase hex. */
export function sha1Hex(text: string): string {
  digest(text);
  let out = "";
  for (let i = 0; i < 5; i++) out += (H[i]! >>> 0).toString(16).padStart(8, "0");
  return out;
}

/** The first 60 bits of the digest (its first 15 hex digits) as the nearest double. */
export function sha1Prefix60(text: string): number {
  digest(text);
  // h0 * 2^28 is exact; the one addition rounds the 60-bit integer to nearest, as parseInt does.
  return (H[0]! >>> 0) * 0x10000000 + ((H[1]! >>> 0) >>> 4);
}
