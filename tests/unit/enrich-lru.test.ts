import { describe, expect, it } from "vitest";
import { LruCache } from "../../server/ingest/enrich/lru";

describe("LruCache", () => {
  it("evicts the least recently used entry at capacity", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // a is now the most recent
    cache.set("c", 3); // evicts b
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
  });

  it("updates in place without growing, and stores null", () => {
    const cache = new LruCache<string, number | null>(2);
    cache.set("a", 1);
    cache.set("a", null);
    expect(cache.size).toBe(1);
    expect(cache.get("a")).toBeNull();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("stays bounded under many keys", () => {
    const cache = new LruCache<number, number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(i, i);
    expect(cache.size).toBe(100);
    expect(cache.get(9_999)).toBe(9_999);
    expect(cache.get(9_899)).toBeUndefined();
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });
});
