import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flagBucket, inRollout, pickVariant } from "../../sdk/browser/src/flag-hash";
import { sha1Hex } from "../../sdk/browser/src/sha1";

const vectors = JSON.parse(readFileSync(new URL("../../server/flags/hash-vectors.json", import.meta.url), "utf8"));

describe("browser SDK flag hash", { timeout: 30_000 }, () => {
  it("passes the published vectors", () => {
    for (const v of vectors.buckets) {
      expect(sha1Hex(`${v.key}.${v.id}${v.salt}`)).toBe(v.sha1);
      expect(flagBucket(v.key, v.id, v.salt)).toBe(v.bucket);
    }
    for (const v of vectors.rollouts) expect(inRollout(v.key, v.id, v.percentage)).toBe(v.enabled);
    for (const v of vectors.variants) expect(pickVariant(v.key, v.id, v.variants)).toBe(v.variant);
  });

  it("computes SHA-1 as FIPS 180-4 does (NIST example messages)", () => {
    expect(sha1Hex("abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(sha1Hex("")).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    expect(sha1Hex("a".repeat(1_000_000))).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });

  it("matches node:crypto on arbitrary text, every length around the block boundaries", () => {
    const differ = [];
    for (let n = 0; n < 200; n++) {
      const s = "é".repeat(n % 7) + "x".repeat(n);
      if (sha1Hex(s) !== createHash("sha1").update(s, "utf8").digest("hex")) differ.push(n);
    }
    for (const s of ["\ud800", "a\udc00b", "\udbff\udfff", "\ud83e\udd8a", "x\ud83e", "\u07ff\u0800\uffff", "é".repeat(5000)]) {
      if (sha1Hex(s) !== createHash("sha1").update(s, "utf8").digest("hex")) differ.push(s.length);
    }
    expect(differ).toEqual([]);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => sha1Hex(s) === createHash("sha1").update(s, "utf8").digest("hex")),
      { numRuns: 500 },
    );
    // Arbitrary UTF-16, lone surrogates included (encoded as U+FFFD, as TextEncoder and Buffer do).
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 100 }), (s) => sha1Hex(s) === createHash("sha1").update(s, "utf8").digest("hex")),
      { numRuns: 500 },
    );
  });

  it("agrees with node:crypto's bucket on 20k ids", () => {
    const differ = [];
    for (let i = 0; i < 20_000; i++) {
      const text = `exp.person-${i}`;
      const expected = Math.min(parseInt(createHash("sha1").update(text).digest("hex").slice(0, 15), 16) / 0xfffffffffffffff, 1 - 2 ** -53);
      if (flagBucket("exp", `person-${i}`) !== expected) differ.push(i);
    }
    expect(differ).toEqual([]);
  });

  it("puts 20% +/- 1% of 100k ids in a 20% rollout", () => {
    let n = 0;
    for (let i = 0; i < 100_000; i++) if (inRollout("new-checkout", `person-${i}`, 20)) n++;
    expect(Math.abs(n / 100_000 - 0.2)).toBeLessThan(0.01);
  });
});
