import { describe, expect, it } from "vitest";
import { allow, and, ident, join, or, render, sql } from "../../server/query/sql";
import { cacheKey, normalizedJson, ResultCache } from "../../server/query/cache";

describe("sql fragments", () => {
  it("turns every interpolated value into a numbered parameter, across nested fragments", () => {
    const hostile = "'); DROP TABLE events; --";
    const inner = sql`e.event = ${hostile}`;
    const q = render(sql`select * from events e where ${inner} and e.properties ->> ${"$$"} = ${"x"}`);
    expect(q.text).toBe("select * from events e where e.event = $1 and e.properties ->> $2 = $3");
    expect(q.values).toEqual([hostile, "$$", "x"]);
    expect(q.text).not.toContain("DROP");
  });

  it("joins, ands and ors fragments", () => {
    const parts = [sql`a = ${1}`, sql`b = ${2}`, sql`c = ${3}`];
    expect(render(join(parts, " | ")).text).toBe("a = $1 | b = $2 | c = $3");
    expect(render(and(parts)).text).toBe("(a = $1 and b = $2 and c = $3)");
    expect(render(or([parts[0]!, null, parts[1]!])).text).toBe("(a = $1 or b = $2)");
    expect(render(and([])).text).toBe("true");
    expect(render(or([])).text).toBe("false");
    expect(render(and([parts[0]!])).values).toEqual([1]);
  });

  it("inlines only allow-listed identifiers", () => {
    const q = render(sql`select e.${ident(allow("browser"))} from events e where x = ${"browser"}`);
    expect(q.text).toBe("select e.browser from events e where x = $1");
  });
});

describe("result cache", () => {
  it("normalizes key order so equal queries share a key", () => {
    expect(normalizedJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(normalizedJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    const k1 = cacheKey({ projectId: "p", timezone: "UTC", query: { a: 1, b: 2 }, watermark: "w" });
    expect(cacheKey({ projectId: "p", timezone: "UTC", query: { b: 2, a: 1 }, watermark: "w" })).toBe(k1);
    expect(cacheKey({ projectId: "p", timezone: "UTC", query: { b: 2, a: 1 }, watermark: "w2" })).not.toBe(k1);
    expect(cacheKey({ projectId: "p", timezone: "Asia/Tokyo", query: { b: 2, a: 1 }, watermark: "w" })).not.toBe(k1);
  });

  it("evicts the least recently used entry", () => {
    const c = new ResultCache<number>(2);
    c.set("a", 1);
    c.set("b", 2);
    expect(c.get("a")).toBe(1);
    c.set("c", 3);
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBe(1);
    expect(c.get("c")).toBe(3);
  });
});
