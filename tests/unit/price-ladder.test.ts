import { describe, expect, it } from "vitest";
import { backtest } from "../../server/ml/price/backtest";
import { dayOf, type PriceObservation } from "../../server/ml/price/features";
import { PriceForecaster, type PriceBundle } from "../../server/ml/price/forecaster";
import { CompiledModelSet, fitModelSet, NotEnoughDataError } from "../../server/ml/price/model-set";

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = dayOf("2026-06-01");

/**
 * Synthetic searches: `n` on a route over 60 days, level `level`, fares 1.5x in the last week
 * before departure, log-normal noise 0.05. Written here, independently of the model.
 */
function searches(origin: string, destination: string, n: number, level: number, rand: () => number): PriceObservation[] {
  const out: PriceObservation[] = [];
  for (let i = 0; i < n; i++) {
    const purchaseDay = START + Math.floor(rand() * 60);
    const daysOut = Math.floor(rand() * 60);
    const noise = Math.exp(0.05 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
    out.push({ origin, destination, cabin: "economy", roundTrip: false, departDay: purchaseDay + daysOut, purchaseDay, price: level * (daysOut < 7 ? 1.5 : 1) * noise });
  }
  return out;
}

describe("price model fallback ladder", () => {
  const rand = rng(11);
  const obs = [
    ...searches("AAA", "BBB", 400, 100, rand), // own route model (>= 150)
    ...searches("CCC", "DDD", 320, 200, rand), // CCC and DDD get airport models (>= 300)
    ...searches("CCC", "EEE", 12, 400, rand), // sparse route out of CCC
    ...searches("FFF", "GGG", 20, 300, rand), // sparse everywhere
  ];
  const set = fitModelSet(obs);
  const compiled = new CompiledModelSet(set);

  it("fits a route model only with enough searches, airport models for busy airports", () => {
    expect(Object.keys(set.routes).sort()).toEqual(["AAA-BBB", "CCC-DDD"]);
    expect(Object.keys(set.airports).sort()).toEqual(["AAA", "BBB", "CCC", "DDD"]);
  });

  it("climbs down the ladder: route, then origin or destination, then global", () => {
    expect(compiled.rung("AAA", "BBB").basis).toBe("route");
    expect(compiled.rung("CCC", "EEE").basis).toBe("origin");
    expect(compiled.rung("EEE", "CCC").basis).toBe("destination");
    expect(compiled.rung("XXX", "DDD").basis).toBe("destination");
    expect(compiled.rung("FFF", "GGG").basis).toBe("global");
    expect(compiled.rung("XXX", "YYY").basis).toBe("global");
  });

  it("each rung learns the level and the last-week rise from the searches", () => {
    const q = (origin: string, destination: string, daysOut: number) => {
      const rung = compiled.rung(origin, destination);
      return Math.exp(compiled.predict(rung, { origin, destination, cabin: "economy", roundTrip: false, departDay: START + 70, purchaseDay: START + 70 - daysOut }).logPrice);
    };
    expect(q("AAA", "BBB", 30) / 100).toBeGreaterThan(0.93);
    expect(q("AAA", "BBB", 30) / 100).toBeLessThan(1.07);
    expect(q("AAA", "BBB", 3) / q("AAA", "BBB", 30)).toBeGreaterThan(1.4);
    expect(q("AAA", "BBB", 3) / q("AAA", "BBB", 30)).toBeLessThan(1.6);
    // The sparse route's level, from its 12 searches shrunk towards CCC's: above CCC-DDD's 200, below its own 400.
    const sparse = q("CCC", "EEE", 30);
    expect(sparse).toBeGreaterThan(250);
    expect(sparse).toBeLessThan(420);
  });

  it("bands from the backtest cover about 80% of held-out searches, wider for an unseen route", () => {
    const bt = backtest(obs);
    expect(bt.metrics.coverage80).toBeGreaterThan(0.7);
    expect(bt.metrics.coverage80).toBeLessThan(0.9);
    expect(bt.metrics.mase).toBeLessThan(1); // beats the route-and-cabin median
    const bundle: PriceBundle = { format: 1, set, calibration: bt.calibration, metrics: bt.metrics, trainedThrough: START + 59, catalog: [] };
    const f = new PriceForecaster(bundle, { id: "x", version: 1 });
    const base = { cabin: "economy" as const, roundTrip: false, departDay: START + 100, purchaseDay: START + 60 };
    const seen = f.price({ ...base, origin: "AAA", destination: "BBB" });
    const unseen = f.price({ ...base, origin: "XXX", destination: "YYY" });
    expect(unseen.upper80 / unseen.lower80).toBeGreaterThan(seen.upper80 / seen.lower80);
  });

  it("refuses to fit without enough searches", () => {
    expect(() => fitModelSet(obs.slice(0, 10))).toThrow(NotEnoughDataError);
  });
});
