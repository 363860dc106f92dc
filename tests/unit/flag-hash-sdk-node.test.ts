import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flagBucket, inRollout, pickVariant } from "../../sdk/node/src/index";
import * as server from "../../server/flags/hash";

const vectors = JSON.parse(readFileSync(new URL("../../server/flags/hash-vectors.json", import.meta.url), "utf8"));

describe("Node SDK flag hash", { timeout: 30_000 }, () => {
  it("passes the published vectors", () => {
    for (const v of vectors.buckets) expect(flagBucket(v.key, v.id, v.salt)).toBe(v.bucket);
    for (const v of vectors.rollouts) expect(inRollout(v.key, v.id, v.percentage)).toBe(v.enabled);
    for (const v of vectors.variants) expect(pickVariant(v.key, v.id, v.variants)).toBe(v.variant);
  });

  it("agrees with the server on 10k ids", () => {
    const differ = [];
    for (let i = 0; i < 10_000; i++) if (flagBucket("agree", `id-${i}`) !== server.flagBucket("agree", `id-${i}`)) differ.push(i);
    expect(differ).toEqual([]);
  });
});
