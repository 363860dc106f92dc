// The SDKs' own SHA-1 (sdk/browser/src/sha1.ts, copied to sdk/node/src/sha1.ts) on the flag hash's
// fast path: key, ".", id and salt written straight into one block. Checked against node:crypto
// (an independent implementation) on random inputs around every length where the path changes
// (55 bytes: the last that fits one block; non-ASCII: the general encoder), and on the vectors.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as browser from "../../sdk/browser/src/sha1";
import * as node from "../../sdk/node/src/sha1";

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), "utf8");
const vectors = JSON.parse(read("../../server/flags/hash-vectors.json"));
const prefix60 = (text: string) => parseInt(createHash("sha1").update(text, "utf8").digest("hex").slice(0, 15), 16);

/** A seeded xorshift generator, so a failure names a reproducible case. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe("flag SHA-1 (SDK copies)", { timeout: 60_000 }, () => {
  it("is the same file in the browser and Node SDKs", () => {
    expect(read("../../sdk/node/src/sha1.ts")).toBe(read("../../sdk/browser/src/sha1.ts"));
  });

  it("passes the published vectors through flagHash60", () => {
    for (const v of vectors.buckets) {
      expect(browser.flagHash60(v.key, v.id, v.salt)).toBe(parseInt(v.sha1.slice(0, 15), 16));
      expect(node.flagHash60(v.key, v.id, v.salt)).toBe(parseInt(v.sha1.slice(0, 15), 16));
    }
  });

  it("matches node:crypto for every split of key, id and salt up to two blocks", () => {
    const differ: string[] = [];
    for (let total = 0; total <= 130; total++) {
      for (let k = 0; k <= total; k += 3) {
        const key = "k".repeat(k);
        for (const salt of ["", "variant"]) {
          const id = "0123456789abcdef".repeat(9).slice(0, total - k);
          const text = `${key}.${id}${salt}`;
          if (node.flagHash60(key, id, salt) !== prefix60(text)) differ.push(JSON.stringify([key, id, salt]));
        }
      }
    }
    expect(differ).toEqual([]);
  });

  it("matches node:crypto on 200k seeded random keys and ids (ASCII, UTF-8 of every width, lone surrogates)", () => {
    const r = rng(20261122);
    const char = () => {
      const u = r();
      if (u < 0.85) return String.fromCharCode(32 + Math.floor(r() * 95));
      if (u < 0.9) return String.fromCharCode(0x80 + Math.floor(r() * 0x780)); // 2-byte UTF-8
      if (u < 0.95) return String.fromCharCode(0x800 + Math.floor(r() * 0xf000)); // 3-byte, surrogates included
      return String.fromCodePoint(0x10000 + Math.floor(r() * 0xfffff)); // 4-byte
    };
    const text = (max: number) => {
      let s = "";
      for (let n = Math.floor(r() * max); n > 0; n--) s += char();
      return s;
    };
    const differ: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const key = text(30);
      const id = r() < 0.5 ? crypto.randomUUID() : text(50);
      const salt = r() < 0.5 ? "" : "variant";
      const expected = prefix60(`${key}.${id}${salt}`);
      if (node.flagHash60(key, id, salt) !== expected || browser.flagHash60(key, id, salt) !== expected) differ.push(JSON.stringify([key, id, salt]));
    }
    expect(differ.slice(0, 5)).toEqual([]);
  });

  it("matches node:crypto on arbitrary UTF-16 (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "binary", maxLength: 60 }), fc.constantFrom("", "variant"), (key, id, salt) => {
        const expected = prefix60(`${key}.${id}${salt}`);
        return node.flagHash60(key, id, salt) === expected && node.sha1Prefix60(`${key}.${id}${salt}`) === expected;
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves no state behind: a long or non-ASCII input does not change the next short one", () => {
    const short = () => node.flagHash60("flag", "person-1", "");
    const before = short();
    node.flagHash60("é".repeat(300), "x".repeat(1000), "variant");
    node.sha1Hex("a".repeat(100_000));
    expect(short()).toBe(before);
    expect(before).toBe(prefix60("flag.person-1"));
  });
});
