import { describe, expect, it } from "vitest";
import { RecentCache } from "../../server/ingest/enrich/recent-cache";

describe("RecentCache", () => {
  it("keeps entries that are used, drops those that are not", () => {
    const cache = new RecentCache<string, number>(4);
    cache.set("hot", 0);
    for (let i = 0; i < 100; i++) {
      expect(cache.get("hot")).toBe(0);
      cache.set(`cold-${i}`, i);
    }
    expect(cache.get("hot")).toBe(0);
    expect(cache.get("cold-0")).toBeUndefined();
    expect(cache.get("cold-99")).toBe(99);
  });

  it("updates in place, stores null, and clears", () => {
    const cache = new RecentCache<string, number | null>(4);
    cache.set("a", 1);
    cache.set("a", null);
    expect(cache.size).toBe(1);
    expect(cache.get("a")).toBeNull();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("never holds more than its capacity", () => {
    const cache = new RecentCache<number, number>(100);
    for (let i = 0; i < 10_000; i++) {
      cache.set(i, i);
      cache.get(i % 7);
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    expect(cache.get(9_999)).toBe(9_999);
    expect(cache.get(9_800)).toBeUndefined();
  });

  it("refuses a capacity below 2 or not an integer", () => {
    expect(() => new RecentCache(1)).toThrow(RangeError);
    expect(() => new RecentCache(2.5)).toThrow(RangeError);
  });
});
