import { describe, expect, it } from "vitest";
import { advise, expectedExcess, normalCdf, sigmaOfBand, Z80, type ForecastPoint } from "../../server/ml/price/recommend";

/** Seeded normal draws (mulberry32 + Box-Muller) for Monte Carlo references. */
function normals(seed: number, n: number): Float64Array {
  let s = seed;
  const u = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return out;
}
const Z = normals(7, 400_000);

/** E[max(P - k, 0)] by simulation, P = m * exp(sigma Z): the reference for the closed form. */
function simulatedExcess(m: number, sigma: number, k: number): number {
  let s = 0;
  for (const z of Z) s += Math.max(m * Math.exp(sigma * z) - k, 0);
  return s / Z.length;
}

/** A day with median m and an 80% band of log half-width sigma * z80. */
const day = (date: string, m: number, sigma: number): ForecastPoint => ({ date, predictedPrice: m, lower: m * Math.exp(-Z80 * sigma), upper: m * Math.exp(Z80 * sigma) });

describe("buy-or-wait rule", () => {
  it("normal CDF matches published table values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
    expect(normalCdf(1.2815516)).toBeCloseTo(0.9, 6);
  });

  it("the risk of a rise (closed form) equals a Monte Carlo estimate", () => {
    for (const [m, sigma, k] of [[90, 0.46, 100], [100, 0.1, 100], [80, 0.05, 100], [120, 0.2, 100], [95, 0.3, 90]] as const) {
      const exact = expectedExcess(m, sigma, k);
      expect(Math.abs(exact - simulatedExcess(m, sigma, k))).toBeLessThan(0.01 * m * sigma + 0.01);
    }
    expect(sigmaOfBand(day("d", 100, 0.3).lower, day("d", 100, 0.3).upper)).toBeCloseTo(0.3, 10);
  });

  it("waits for a clearly cheaper day with a narrow band", () => {
    const a = advise(100, "2026-01-01", [day("2026-01-02", 99, 0.05), day("2026-01-03", 80, 0.05), day("2026-01-04", 98, 0.05)]);
    expect(a.recommendation).toBe("wait");
    expect(a.bestBookingDate).toBe("2026-01-03");
    expect(a.estimatedSavings).toBe(20);
  });

  it("the same point forecast gives wait with a narrow band and buy with a wide one", () => {
    // Saving 10 either way. Risk with sigma 0.05: about 0 (simulated); with sigma 0.45 about 18, more than the saving.
    expect(simulatedExcess(90, 0.05, 100)).toBeLessThan(0.1);
    expect(simulatedExcess(90, 0.45, 100)).toBeGreaterThan(10);
    expect(advise(100, "2026-01-01", [day("2026-01-02", 90, 0.05)]).recommendation).toBe("wait");
    const wide = advise(100, "2026-01-01", [day("2026-01-02", 90, 0.45)]);
    expect(wide.recommendation).toBe("buy");
    expect(wide.bestBookingDate).toBe("2026-01-01");
    expect(wide.estimatedSavings).toBe(0);
  });

  it("prefers the day whose saving net of risk is largest, not the lowest point", () => {
    // Day 2: saving 10, risk ~0. Day 5: saving 12 but sigma 0.25, risk by simulation about 4: net about 8.
    const risk5 = simulatedExcess(88, 0.25, 100);
    expect(12 - risk5).toBeLessThan(10);
    expect(12 - risk5).toBeGreaterThan(0);
    const a = advise(100, "2026-01-01", [day("2026-01-02", 95, 0.02), day("2026-01-03", 90, 0.02), day("2026-01-06", 88, 0.25)]);
    expect(a.recommendation).toBe("wait");
    expect(a.bestBookingDate).toBe("2026-01-03");
  });

  it("buys when fares rise, and when the saving is below 1% however sure", () => {
    const rising = advise(100, "2026-01-01", [day("2026-01-02", 104, 0.05), day("2026-01-03", 109, 0.05)]);
    expect(rising).toMatchObject({ recommendation: "buy", bestBookingDate: "2026-01-01", estimatedSavings: 0 });
    expect(advise(100, "2026-01-01", [day("2026-01-02", 99.5, 0.0001)]).recommendation).toBe("buy");
    expect(advise(100, "2026-01-01", []).recommendation).toBe("buy");
  });
});
