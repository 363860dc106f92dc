// Flag and experiment assignment hash, the one every SDK must reproduce exactly (vectors in
// hash-vectors.json; the SDK copies are sdk/node/src/flag-hash.ts and sdk/browser/src/flag-hash.ts).
// See docs/decisions/0010-flag-hashing.md.
//
//   bucket(key, id, salt) = min(H / 0xfffffffffffffff, 1 - 2^-53)
//   H = the first 15 hex digits (60 bits) of SHA-1 of the UTF-8 bytes of `${key}.${id}${salt}`,
//       read as an integer and converted to the nearest double (H / (2^60 - 1) in doubles)
//
// This is PostHog's flag hash, so buckets agree with PostHog's SDKs doing local evaluation; the
// clamp only matters for H >= 2^60 - 64 (probability 2^-54), where PostHog's quotient rounds to 1.
// `key` is the flag key (or an experiment's seed), `id` the person's distinct id. A person is in a
// rollout of p percent when bucket(key, id, "") < p / 100, so raising p only adds people, and
// each flag's buckets depend only on its own key. Variants use the salt "variant" and ordered,
// cumulative ranges of their percentages.
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

export interface VariantWeight {
  key: string;
  /** Share of people in this variant, in percent; the shares should add up to 100. */
  percentage: number;
}

/** The variant whose cumulative range holds the person's variant bucket (null if the shares add up to less and it falls past them). */
export function pickVariant(key: string, id: string, variants: readonly VariantWeight[]): string | null {
  const bucket = flagBucket(key, id, "variant");
  let upper = 0;
  for (const v of variants) {
    upper += v.percentage / 100;
    if (bucket < upper) return v.key;
  }
  return null;
}
