/**
 * Interval calibration on simulated series (seeded), the same settings as
 * tests/unit/ml-calibration.test.ts with the figures printed. Run:
 * npx tsx tests/bench/forecast/calibration.ts
 */
import { forecastSeries, INTERVAL_SCALINGS } from "../../../ml/forecast/engine";
import { etsMember } from "../../../ml/forecast/ets";
import { seasonalNaiveMember } from "../../../ml/forecast/naive";
import { thetaMember } from "../../../ml/forecast/theta";
import { coverage, meanWidth, winkler } from "../../../ml/metrics";

function normals(seed: number): () => number {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const settings = [
  {
    name: "local level + drift, n 60, H 6, ETS/Theta/naive",
    draws: 300,
    H: 6,
    make: (z: () => number) => {
      let level = 100;
      return Array.from({ length: 60 }, () => {
        level += 0.3 + 0.7 * z();
        return level + z();
      });
    },
    options: { seasonLength: 1, members: [seasonalNaiveMember, etsMember, thetaMember] },
  },
  {
    name: "seasonal AR(1) m 12, n 96, H 12, snaive/Theta",
    draws: 200,
    H: 12,
    make: (z: () => number) => {
      let e = 0;
      return Array.from({ length: 96 }, (_, t) => {
        e = 0.6 * e + z();
        return 50 + 0.1 * t + 6 * Math.sin((2 * Math.PI * t) / 12) + e;
      });
    },
    options: { seasonLength: 12, members: [seasonalNaiveMember, thetaMember] },
  },
  {
    // Volatility that wanders (log-sd an AR(1) with persistence 0.97): the errors are exchangeable
    // only after dividing by the local volatility, the case local weighting is for.
    name: "random walk, stochastic volatility, n 120, H 12, ETS/Theta/naive",
    draws: 200,
    H: 12,
    make: (z: () => number) => {
      let level = 100;
      let logSd = 0;
      return Array.from({ length: 120 }, () => {
        logSd = 0.97 * logSd + 0.25 * z();
        level += Math.exp(logSd) * z();
        return level;
      });
    },
    options: { seasonLength: 1, members: [seasonalNaiveMember, etsMember, thetaMember] },
  },
];

console.log("| setting | interval scaling | draws | points | 80% coverage | 95% coverage | mean width 80 / 95 | Winkler 80 / 95 |");
console.log("|---|---|---|---|---|---|---|---|");
let bad = false;
for (const s of settings) for (const intervalScaling of INTERVAL_SCALINGS) {
  const z = normals(20261122);
  let c80 = 0;
  let c95 = 0;
  let w80 = 0;
  let w95 = 0;
  let k80 = 0;
  let k95 = 0;
  for (let d = 0; d < s.draws; d++) {
    const y = s.make(z);
    const r = forecastSeries(y.slice(0, -s.H), { horizon: s.H, ...s.options, intervalScaling });
    const test = y.slice(-s.H);
    c80 += coverage(test, r.lo80, r.hi80) / s.draws;
    c95 += coverage(test, r.lo95, r.hi95) / s.draws;
    w80 += meanWidth(r.lo80, r.hi80) / s.draws;
    w95 += meanWidth(r.lo95, r.hi95) / s.draws;
    k80 += winkler(test, r.lo80, r.hi80, 0.2) / s.draws;
    k95 += winkler(test, r.lo95, r.hi95, 0.05) / s.draws;
  }
  console.log(`| ${s.name} | ${intervalScaling} | ${s.draws} | ${s.draws * s.H} | ${(100 * c80).toFixed(1)} | ${(100 * c95).toFixed(1)} | ${w80.toFixed(2)} / ${w95.toFixed(2)} | ${k80.toFixed(2)} / ${k95.toFixed(2)} |`);
  if (Math.abs(c80 - 0.8) > 0.05 || Math.abs(c95 - 0.95) > 0.05) bad = true;
}
if (bad) process.exitCode = 1;
