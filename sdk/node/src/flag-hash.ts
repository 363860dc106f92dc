// Flag assignment hash: a copy of the server's (server/flags/hash.ts), since the SDK imports
// nothing from the server. Both are tested against server/flags/hash-vectors.json.
//   bucket = min(int(first 15 hex digits of sha1(utf8(`${key}.${id}${salt}`))) / 0xfffffffffffffff, 1 - 2^-53)
import * as crypto from "node:crypto";

// One-shot crypto.hash (Node >= 20.12) is about twice as fast as createHash for short keys.
const sha1: (text: string) => Buffer =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha1", text, "buffer")
    : (text) => crypto.createHash("sha1").update(text, "utf8").digest();

const SCALE = 0xfffffffffffffff;
const BELOW_ONE = 1 - 2 ** -53;

/** A number in [0, 1), uniform over ids, stable for (key, id, salt). */
export function flagBucket(key: string, id: string, salt = ""): number {
  const digest = sha1(`${key}.${id}${salt}`);
  // The first 15 hex digits: 32 bits, then 28. h0 * 2^28 is exact and the one addition rounds the
  // 60-bit integer to the nearest double, exactly as parseInt(hex.slice(0, 15), 16) does.
  return Math.min((digest.readUInt32BE(0) * 0x10000000 + (digest.readUInt32BE(4) >>> 4)) / SCALE, BELOW_ONE);
}

/** Whether `id` is inside a rollout of `percentage` (0 to 100) for this key. */
export function inRollout(key: string, id: string, percentage: number): boolean {
  return flagBucket(key, id) < percentage / 100;
}

/** The variant whose cumulative range of percentages holds the person's "variant"-salted bucket. */
export function pickVariant(key: string, id: string, variants: readonly { key: string; percentage: number }[]): string | null {
  const bucket = flagBucket(key, id, "variant");
  let upper = 0;
  for (const v of variants) {
    upper += v.percentage / 100;
    if (bucket < upper) return v.key;
  }
  return null;
}
