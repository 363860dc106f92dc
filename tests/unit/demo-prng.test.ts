import { describe, expect, it } from "vitest";
import { Rng } from "../../server/demo/prng";
import { variantFor } from "../../server/demo/persons";
import { daysOutFactor, routes } from "../../server/demo/routes";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const draw = (n: number, f: () => number) => Array.from({ length: n }, f);

describe("demo PRNG", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = draw(100, () => a.u32());
    expect(draw(100, () => b.u32())).toEqual(sa);
    expect(draw(100, () => c.u32())).not.toEqual(sa);
    expect(new Rng("42").u32()).toBe(new Rng(42).u32()); // the seed is read as text
  });

  it("draws from the distributions it names", () => {
    const r = new Rng(1);
    const u = draw(20000, () => r.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 1);
    const n = draw(20000, () => r.normal(10, 2));
    expect(mean(n)).toBeCloseTo(10, 1);
    expect(Math.sqrt(mean(n.map((x) => (x - 10) ** 2)))).toBeCloseTo(2, 1);
    const ln = draw(20001, () => r.lognormal(30, 0.9)).sort((x, y) => x - y);
    expect(ln[10000]).toBeGreaterThan(27);
    expect(ln[10000]).toBeLessThan(33);
    expect(mean(draw(20000, () => r.poisson(3)))).toBeCloseTo(3, 1);
    expect(mean(draw(20000, () => r.poisson(80)))).toBeGreaterThan(79);
    expect(mean(draw(20000, () => r.exponential(5)))).toBeCloseTo(5, 0);
    const ints = draw(5000, () => r.int(2, 4));
    expect(new Set(ints)).toEqual(new Set([2, 3, 4]));
    const w = draw(20000, () => r.weightedIndex([1, 3]));
    expect(mean(w)).toBeCloseTo(0.75, 1);
  });

  it("makes UUIDv7s that carry their millisecond and sort by it", () => {
    const r = new Rng(5);
    const t = Date.UTC(2025, 5, 1, 12);
    const ids = [t, t + 1, t + 1000, t + 86_400_000].map((ms) => r.uuidv7(ms));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(parseInt(ids[0]!.replace(/-/g, "").slice(0, 12), 16)).toBe(t);
  });
});

describe("demo market tables", () => {
  it("assign experiment variants stably and about half each", () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `anon-${i}`);
    const test = ids.filter((id) => variantFor(id) === "test").length;
    expect(test / ids.length).toBeGreaterThan(0.45);
    expect(test / ids.length).toBeLessThan(0.55);
    for (const id of ids.slice(0, 50)) expect(variantFor(id)).toBe(variantFor(id));
  });

  it("price lowest 3-8 weeks out and sharply higher in the last two weeks", () => {
    expect(daysOutFactor(30)).toBe(1);
    expect(daysOutFactor(90)).toBeGreaterThan(1);
    expect(daysOutFactor(10)).toBeGreaterThan(1.4);
    expect(daysOutFactor(0)).toBeGreaterThan(2);
    for (let d = 0; d < 21; d++) expect(daysOutFactor(d)).toBeGreaterThan(daysOutFactor(d + 1));
  });

  it("have about forty routes among twenty airports with distance-led prices", () => {
    expect(routes.length).toBeGreaterThanOrEqual(38);
    expect(new Set(routes.flatMap((r) => [r.a, r.b])).size).toBe(20);
    expect(new Set(routes.map((r) => r.key)).size).toBe(routes.length);
    const price = (k: string) => routes.find((r) => r.key === k)!.typicalPrice;
    expect(price("LHR-JFK")).toBeGreaterThan(3 * price("LHR-CDG"));
  });
});
