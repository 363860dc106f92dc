/**
 * Interval calibration on simulated series (seeded), the same settings as
 * tests/unit/ml-calibration.test.ts with the figures printed. Run:
 * npx tsx tests/bench/forecast/calibration.ts
 */
import { analyseSeries, CALIBRATION_WINDOWS, combineAnalysis, forecastSeries, INTERVAL_SCALINGS, INTERVAL_SOURCES, pooledCalibration } from "../../../ml/forecast/engine";
import { etsMember } from "../../../ml/forecast/ets";
import { seasonalNaiveMember } from "../../../ml/forecast/naive";
import { thetaMember } from "../../../ml/forecast/theta";
import { coverage, maseScale, meanWidth, winkler } from "../../../ml/metrics";
import { normals } from "../../support/seeded";

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

/**
 * Sets of series, for the cross-series (pooled) intervals of ADR 0023: each set of S series is
 * analysed, pooledCalibration is computed over the set, and every series' last H points are
 * scored with its own, the pooled and the blended intervals. Figures are means over all series of
 * all sets; "scaled Winkler" is the interval score divided by the series' MASE scale (M4's MSIS
 * form), so series of different scales count alike. Informational (no exit code).
 */
const setSettings = [
  {
    name: "short local level + drift, n 32, H 8, scales 1-13",
    sets: 5,
    S: 40,
    H: 8,
    make: (z: () => number, i: number) => {
      const scale = 1 + (i % 5) * 3;
      let level = 100;
      return Array.from({ length: 40 }, () => {
        level += scale * (0.2 + 0.6 * z());
        return level + scale * z();
      });
    },
    m: 1,
  },
  {
    name: "random walk with level shifts (2% of points, 6 sd), n 66, H 6",
    sets: 5,
    S: 40,
    H: 6,
    make: (z: () => number) => {
      let level = 100;
      return Array.from({ length: 66 }, () => {
        const u = 0.5 + 0.5 * Math.tanh(z()); // a uniform-ish draw from the normal stream
        level += z() + (u > 0.98 ? 6 * Math.sign(z()) : 0);
        return level;
      });
    },
    m: 1,
  },
  {
    name: "mixed: half random walks, half stationary AR(1) 0.5, n 66, H 6",
    sets: 5,
    S: 40,
    H: 6,
    make: (z: () => number, i: number) => {
      let x = 0;
      return Array.from({ length: 66 }, () => {
        x = i % 2 === 0 ? x + z() : 0.5 * x + z();
        return 50 + x;
      });
    },
    m: 1,
  },
];

console.log("\n| set setting | interval scaling | calibration window | source | series | 80% | 95% | scaled Winkler 80 / 95 |");
console.log("|---|---|---|---|---|---|---|---|");
for (const s of setSettings) {
  const z = normals(20261123);
  const sets = Array.from({ length: s.sets }, () =>
    Array.from({ length: s.S }, (_, i) => {
      const y = s.make(z, i);
      const train = y.slice(0, -s.H);
      return { train, test: y.slice(-s.H), a: analyseSeries(train, { horizon: s.H, seasonLength: s.m, members: [seasonalNaiveMember, etsMember, thetaMember] }) };
    }),
  );
  for (const intervalScaling of INTERVAL_SCALINGS) {
    for (const calibrationWindow of CALIBRATION_WINDOWS) {
      const pooled = sets.map((set) => pooledCalibration(set.map((x) => x.a), { intervalScaling, calibrationWindow }));
      for (const intervalSource of INTERVAL_SOURCES) {
        let c80 = 0;
        let c95 = 0;
        let k80 = 0;
        let k95 = 0;
        let n = 0;
        sets.forEach((set, j) =>
          set.forEach((x) => {
            const r = combineAnalysis(x.a, { intervalScaling, calibrationWindow, intervalSource, pooledIntervals: pooled[j] });
            const sc = maseScale(x.train, s.m);
            c80 += coverage(x.test, r.lo80, r.hi80);
            c95 += coverage(x.test, r.lo95, r.hi95);
            k80 += winkler(x.test, r.lo80, r.hi80, 0.2) / sc;
            k95 += winkler(x.test, r.lo95, r.hi95, 0.05) / sc;
            n++;
          }),
        );
        console.log(`| ${s.name} | ${intervalScaling} | ${calibrationWindow} | ${intervalSource} | ${n} | ${((100 * c80) / n).toFixed(1)} | ${((100 * c95) / n).toFixed(1)} | ${(k80 / n).toFixed(2)} / ${(k95 / n).toFixed(2)} |`);
      }
    }
  }
}
