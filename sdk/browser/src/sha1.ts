// SHA-1 (FIPS 180-4) of a string's UTF-8 bytes, synchronous and dependency-free, for the flag
// hash (docs/decisions/0010-flag-hashing.md). The same file is sdk/node/src/sha1.ts (a unit test
// keeps the two identical). Not Web Crypto: crypto.subtle is async and exists only in secure
// contexts (https or localhost), and flag checks must answer synchronously from the cached
// definitions. Not node:crypto in the Node SDK either: a native call costs about 1 us, while a
// flag key plus a distinct id fits one 64-byte block, which this computes in a fraction of that.
//
// Speed (it runs once per rollout check and once per variant pick): `flagHash60(key, id, salt)`
// writes the three parts of `${key}.${id}${salt}` straight into the 16 message words of one
// padded block when they are ASCII and at most 55 bytes together (the usual case), with no
// string concatenation, no encoder and no allocation; the message schedule is expanded on an
// Int32Array and the 80 rounds run five per iteration. Anything else (non-ASCII, longer text)
// takes the general path: UTF-8 encoding into a reused byte buffer, then as many blocks as needed.

// X: the 80-word message schedule; W: its first 16 words, where each block is written.
const X = new Int32Array(80);
const W = X.subarray(0, 16);
const H = new Int32Array(5);
let bytes = new Uint8Array(256);

const H0 = 0x67452301;
const H1 = 0xefcdab89 | 0;
const H2 = 0x98badcfe | 0;
const H3 = 0x10325476;
const H4 = 0xc3d2e1f0 | 0;

/** UTF-8 of `text` into `bytes` from `at` (as TextEncoder: lone surrogates become U+FFFD); returns the new end. */
function encodeInto(text: string, at: number): number {
  const need = at + text.length * 3 + 72;
  if (bytes.length < need) {
    const grown = new Uint8Array(need * 2);
    grown.set(bytes.subarray(0, at));
    bytes = grown;
  }
  let n = at;
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

/**
 * One compression of the block in W into H (H holds the chaining value): the schedule expanded
 * to 80 words first, then the rounds five at a time with the registers renamed instead of moved
 * (about 10% faster than one round per iteration here).
 */
function compress(): void {
  for (let t = 16; t < 80; t++) {
    const x = X[t - 3]! ^ X[t - 8]! ^ X[t - 14]! ^ X[t - 16]!;
    X[t] = (x << 1) | (x >>> 31);
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let t = 0;
  for (; t < 20; t += 5) {
    e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + X[t]! + 0x5a827999) | 0; b = (b << 30) | (b >>> 2);
    d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + X[t + 1]! + 0x5a827999) | 0; a = (a << 30) | (a >>> 2);
    c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + X[t + 2]! + 0x5a827999) | 0; e = (e << 30) | (e >>> 2);
    b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + X[t + 3]! + 0x5a827999) | 0; d = (d << 30) | (d >>> 2);
    a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + X[t + 4]! + 0x5a827999) | 0; c = (c << 30) | (c >>> 2);
  }
  for (; t < 40; t += 5) {
    e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + X[t]! + 0x6ed9eba1) | 0; b = (b << 30) | (b >>> 2);
    d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + X[t + 1]! + 0x6ed9eba1) | 0; a = (a << 30) | (a >>> 2);
    c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + X[t + 2]! + 0x6ed9eba1) | 0; e = (e << 30) | (e >>> 2);
    b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + X[t + 3]! + 0x6ed9eba1) | 0; d = (d << 30) | (d >>> 2);
    a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + X[t + 4]! + 0x6ed9eba1) | 0; c = (c << 30) | (c >>> 2);
  }
  for (; t < 60; t += 5) {
    e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + X[t]! - 0x70e44324) | 0; b = (b << 30) | (b >>> 2);
    d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + X[t + 1]! - 0x70e44324) | 0; a = (a << 30) | (a >>> 2);
    c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + X[t + 2]! - 0x70e44324) | 0; e = (e << 30) | (e >>> 2);
    b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + X[t + 3]! - 0x70e44324) | 0; d = (d << 30) | (d >>> 2);
    a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + X[t + 4]! - 0x70e44324) | 0; c = (c << 30) | (c >>> 2);
  }
  for (; t < 80; t += 5) {
    e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + X[t]! - 0x359d3e2a) | 0; b = (b << 30) | (b >>> 2);
    d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + X[t + 1]! - 0x359d3e2a) | 0; a = (a << 30) | (a >>> 2);
    c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + X[t + 2]! - 0x359d3e2a) | 0; e = (e << 30) | (e >>> 2);
    b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + X[t + 3]! - 0x359d3e2a) | 0; d = (d << 30) | (d >>> 2);
    a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + X[t + 4]! - 0x359d3e2a) | 0; c = (c << 30) | (c >>> 2);
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
}

function reset(): void {
  H[0] = H0;
  H[1] = H1;
  H[2] = H2;
  H[3] = H3;
  H[4] = H4;
}

/** Digest of bytes[0..length) into H: padding (a 1 bit, zeros, 64-bit big-endian bit length), then every block. */
function digestBytes(length: number): void {
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
  reset();
  for (let off = 0; off < total; off += 64) {
    for (let t = 0; t < 16; t++) {
      const j = off + t * 4;
      W[t] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
    }
    compress();
  }
}

/** Writes ASCII `s` into the message words from byte `at` (big-endian); -1 on the first non-ASCII character. */
function asciiInto(s: string, at: number): number {
  for (let i = 0; i < s.length; i++, at++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    W[at >> 2]! |= c << (24 - ((at & 3) << 3));
  }
  return at;
}

/** Digest of the UTF-8 of `${key}.${id}${salt}` into H, without building the string. */
function flagDigest(key: string, id: string, salt: string): void {
  const length = key.length + 1 + id.length + salt.length;
  if (length <= 55) {
    // Short ASCII (the usual case): one block, written and padded here, no encoder.
    W.fill(0, 0, 16);
    let at = asciiInto(key, 0);
    if (at >= 0) {
      W[at >> 2]! |= 0x2e << (24 - ((at & 3) << 3)); // "."
      at = asciiInto(id, at + 1);
    }
    if (at >= 0) at = asciiInto(salt, at);
    if (at >= 0) {
      W[at >> 2]! |= 0x80 << (24 - ((at & 3) << 3));
      W[15] = length << 3;
      reset();
      compress();
      return;
    }
  }
  const dot = encodeInto(key, 0);
  bytes[dot] = 0x2e; // "."
  digestBytes(encodeInto(salt, encodeInto(id, dot + 1)));
}

/** The first 60 bits of the digest in H (its first 15 hex digits) as the nearest double. */
function prefix60(): number {
  // h0 * 2^28 is exact; the one addition rounds the 60-bit integer to nearest, as parseInt does.
  return (H[0]! >>> 0) * 0x10000000 + (H[1]! >>> 4 & 0xfffffff);
}

/** The SHA-1 digest of the UTF-8 of `text` in lowercase hex. */
export function sha1Hex(text: string): string {
  digestBytes(encodeInto(text, 0));
  let out = "";
  for (let i = 0; i < 5; i++) out += (H[i]! >>> 0).toString(16).padStart(8, "0");
  return out;
}

/** The first 60 bits of the digest of the UTF-8 of `text` as the nearest double. */
export function sha1Prefix60(text: string): number {
  digestBytes(encodeInto(text, 0));
  return prefix60();
}

/** sha1Prefix60(`${key}.${id}${salt}`), the flag hash's input, without concatenating. */
export function flagHash60(key: string, id: string, salt: string): number {
  flagDigest(key, id, salt);
  return prefix60();
}
