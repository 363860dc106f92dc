// Flag assignment hash: a copy of the server's (server/flags/hash.ts), since the SDK imports
// nothing from the server. Both are tested against server/flags/hash-vectors.json.
//   bucket = min(int(first 15 hex digits of sha1(utf8(`${key}.${id}${salt}`))) / 0xfffffffffffffff, 1 - 2^-53)
// SHA-1 here is sha1.ts (the browser SDK's file): for a flag key and an id it is about three times
// faster than a node:crypto call, which is what local evaluation of never-seen ids is bound by
// (tests/bench/flags/local-eval.ts; tests check it against node:crypto on random text).
import { flagHash60 } from "./sha1.js";

const SCALE = 0xfffffffffffffff;
const BELOW_ONE = 1 - 2 ** -53;

/** A number in [0, 1), uniform over ids, stable for (key, id, salt). */
export function flagBucket(key: string, id: string, salt = ""): number {
  return Math.min(flagHash60(key, id, salt) / SCALE, BELOW_ONE);
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
