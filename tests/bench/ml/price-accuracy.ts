/**
 * `npx tsx tests/bench/ml/price-accuracy.ts`: held-out accuracy of the price model ladder on the
 * demo generator's searches at three sizes, beside the naive reference (each route and cabin's
 * median fare before the holdout): the same out-of-time backtest the training job stores with each
 * version (server/ml/price/backtest.ts), run in memory on the generated events (no database), plus
 * the time to fit the ladder on everything.
 */
import { generateDemo } from "../../../server/demo";
import { backtest } from "../../../server/ml/price/backtest";
import type { PriceObservation } from "../../../server/ml/price/features";
import { fitModelSet } from "../../../server/ml/price/model-set";
import { toObservation } from "../../../server/ml/price/observations";
import { fmt, table } from "../support/table";

const sizes = [
  { seed: 3, days: 30, persons: 250 },
  { seed: 7, days: 60, persons: 400 },
  { seed: 42, days: 90, persons: 1000 },
  { seed: 5, days: 90, persons: 3000 },
];
const rows: (string | number)[][] = [];
for (const size of sizes) {
  const obs: PriceObservation[] = [];
  for (const e of generateDemo(size) as Iterable<{ event: string; timestamp: string; properties: Record<string, unknown> }>) {
    if (e.event !== "search") continue;
    const p = e.properties;
    const o = toObservation({ origin: p.origin, destination: p.destination, cabin: p.cabin_class, depart: p.depart_date, ret: p.return_date, price: p.cheapest_price, ts: new Date(e.timestamp) });
    if (o) obs.push(o);
  }
  const t0 = performance.now();
  const { metrics: m } = backtest(obs);
  const t1 = performance.now();
  const set = fitModelSet(obs);
  const fitMs = performance.now() - t1;
  const bases = Object.entries(m.byBasis).map(([b, v]) => `${b} ${v!.n}: ${fmt.fixed(v!.smape, 1)}%`).join(", ");
  rows.push([
    `${size.days} d x ${size.persons} (seed ${size.seed})`,
    obs.length,
    `${Object.keys(set.routes).length}/${Object.keys(set.airports).length}`,
    m.holdoutSearches,
    fmt.fixed(m.mase, 3),
    `${fmt.fixed(m.smape, 1)}%`,
    `${fmt.fixed(m.naiveSmape, 1)}%`,
    m.coverage80 === null ? "-" : `${Math.round(m.coverage80 * 100)}%`,
    m.coverage95 === null ? "-" : `${Math.round(m.coverage95 * 100)}%`,
    fmt.int(t1 - t0),
    fmt.int(fitMs),
    bases,
  ]);
}
console.log(table(["demo", "priced searches", "route/airport models", "held out", "MASE", "sMAPE", "naive sMAPE", "80% cov", "95% cov", "backtest ms", "fit ms", "sMAPE by basis"], rows));
