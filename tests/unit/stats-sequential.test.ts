// Seeded simulations (a second or two each): A/A experiments monitored after every batch of users.
// The mSPRT's always-valid p-value must keep the false-positive rate at or under alpha = 5% over
// all looks, where the fixed-horizon test checked at the same looks ("peeking") exceeds it; the
// confidence sequence must cover the true difference at every look at once in 95% of runs.
import normalRandom from "@stdlib/random-base-normal";
import { describe, expect, it } from "vitest";
import {
  meansLook,
  mixingVarianceFor,
  msprt,
  optimalMixingRatio,
  proportionsLook,
  sequentialSeries,
  twoProportionZTest,
  welchTTest,
} from "../../server/experiments/stats";

const RUNS = 1000;
const LOOKS = 20;
const BATCH = 100; // users per arm between looks

interface Arm {
  n: number;
  sum: number;
  sumSq: number;
}
const summary = (a: Arm) => ({ n: a.n, mean: a.sum / a.n, variance: (a.sumSq - (a.sum * a.sum) / a.n) / (a.n - 1) });

/** One experiment: per-look summaries of two arms whose users' values come from `draw(arm)`. */
function experiment(draw: (arm: 0 | 1) => number) {
  const arms: [Arm, Arm] = [
    { n: 0, sum: 0, sumSq: 0 },
    { n: 0, sum: 0, sumSq: 0 },
  ];
  const looks: { control: ReturnType<typeof summary>; variant: ReturnType<typeof summary> }[] = [];
  for (let l = 0; l < LOOKS; l++) {
    for (const k of [0, 1] as const) {
      const a = arms[k];
      for (let i = 0; i < BATCH; i++) {
        const y = draw(k);
        a.n++;
        a.sum += y;
        a.sumSq += y * y;
      }
    }
    looks.push({ control: summary(arms[0]), variant: summary(arms[1]) });
  }
  return looks;
}

describe("mSPRT", { timeout: 30_000 }, () => {
  it("solves r = 2 ln(1/alpha) + ln(1 + r) for the mixing ratio", () => {
    const r = optimalMixingRatio(0.05);
    expect(r).toBeCloseTo(2 * Math.log(20) + Math.log1p(r), 12);
    expect(r).toBeCloseTo(8.212, 3);
  });

  it("rejects exactly when the null value leaves the confidence set", () => {
    const options = { mixingVariance: 0.01, alpha: 0.05 };
    for (const estimate of [0, 0.05, 0.1, 0.2, -0.3]) {
      const r = msprt({ estimate, variance: 0.004 }, options);
      expect(r.pValue! <= 0.05).toBe(r.ciLow > 0 || r.ciHigh < 0);
      // and the ends of the set are the null values whose 1 / Lambda is exactly alpha
      expect(msprt({ estimate, variance: 0.004 }, { ...options, nullValue: r.ciHigh }).pValue).toBeCloseTo(0.05, 12);
      expect(msprt({ estimate, variance: 0.004 }, { ...options, nullValue: r.ciLow }).pValue).toBeCloseTo(0.05, 12);
    }
  });

  it("A/A on means, 20 looks: sequential false positives <= 5%, peeking at Welch's p exceeds it", () => {
    const draw = normalRandom.factory({ seed: 42 });
    const tau2 = mixingVarianceFor(2 / (LOOKS * BATCH)); // planned: 2000 users per arm, sd 1
    let sequential = 0;
    let peeking = 0;
    let fixed = 0;
    for (let run = 0; run < RUNS; run++) {
      const looks = experiment(() => draw(0, 1));
      const series = sequentialSeries(looks.map((l) => meansLook(l.control, l.variant)), { mixingVariance: tau2 });
      if (series.some((s) => s.alwaysValidPValue! <= 0.05)) sequential++;
      const p = looks.map((l) => welchTTest(l.control, l.variant).pValue!);
      if (p.some((x) => x <= 0.05)) peeking++;
      if (p[LOOKS - 1]! <= 0.05) fixed++;
    }
    report("means", sequential, peeking, fixed);
    expect(sequential / RUNS).toBeLessThanOrEqual(0.05);
    expect(peeking / RUNS).toBeGreaterThan(0.1);
    expect(Math.abs(fixed / RUNS - 0.05)).toBeLessThan(0.021); // the single planned look is fine (4 standard errors)
  });

  it("A/A on conversions (10%), 20 looks: sequential false positives <= 5%, peeking at the z-test exceeds it", () => {
    const uniform = normalRandom.factory({ seed: 4242 }).PRNG;
    const tau2 = mixingVarianceFor((2 * 0.1 * 0.9) / (LOOKS * BATCH));
    let sequential = 0;
    let peeking = 0;
    for (let run = 0; run < RUNS; run++) {
      const looks = experiment(() => (uniform() < 0.1 ? 1 : 0));
      const counts = looks.map((l) => ({
        control: { n: l.control.n, conversions: Math.round(l.control.mean * l.control.n) },
        variant: { n: l.variant.n, conversions: Math.round(l.variant.mean * l.variant.n) },
      }));
      const series = sequentialSeries(counts.map((c) => proportionsLook(c.control, c.variant)), { mixingVariance: tau2 });
      if (series.some((s) => s.alwaysValidPValue !== null && s.alwaysValidPValue <= 0.05)) sequential++;
      if (counts.some((c) => (twoProportionZTest(c.control, c.variant).pValue ?? 1) <= 0.05)) peeking++;
    }
    report("proportions", sequential, peeking);
    expect(sequential / RUNS).toBeLessThanOrEqual(0.05);
    expect(peeking / RUNS).toBeGreaterThan(0.1);
  });

  it("A/A on rare conversions (0.5%), 50 looks of 200 users: still <= 5% with plug-in variances", () => {
    const uniform = normalRandom.factory({ seed: 77 }).PRNG;
    const p = 0.005;
    const tau2 = mixingVarianceFor((2 * p * (1 - p)) / (200 * 50));
    let falsePositives = 0;
    for (let run = 0; run < RUNS; run++) {
      let a = 0;
      let b = 0;
      const looks = [];
      for (let l = 1; l <= 50; l++) {
        for (let i = 0; i < 200; i++) {
          if (uniform() < p) a++;
          if (uniform() < p) b++;
        }
        looks.push(proportionsLook({ n: l * 200, conversions: a }, { n: l * 200, conversions: b }));
      }
      if (sequentialSeries(looks, { mixingVariance: tau2 }).some((s) => s.alwaysValidPValue !== null && s.alwaysValidPValue <= 0.05)) falsePositives++;
    }
    console.log(`A/A rare conversions, ${RUNS} runs x 50 looks: sequential ${(falsePositives / RUNS).toFixed(3)}`);
    expect(falsePositives / RUNS).toBeLessThanOrEqual(0.05);
  });

  it("confidence sequence covers a true difference at all 20 looks at once in >= 95% of runs, and narrows", () => {
    const draw = normalRandom.factory({ seed: 7 });
    const tau2 = mixingVarianceFor((1 + 4) / (LOOKS * BATCH));
    let covered = 0;
    let firstWidth = 0;
    let lastWidth = 0;
    for (let run = 0; run < RUNS; run++) {
      const looks = experiment((k) => (k === 0 ? draw(10, 1) : draw(10.2, 2)));
      const series = sequentialSeries(looks.map((l) => meansLook(l.control, l.variant)), { mixingVariance: tau2 });
      if (series.every((s) => s.csLow <= 0.2 && 0.2 <= s.csHigh)) covered++;
      firstWidth += series[0]!.csHigh - series[0]!.csLow;
      lastWidth += series[LOOKS - 1]!.csHigh - series[LOOKS - 1]!.csLow;
    }
    console.log(`confidence sequence: simultaneous coverage ${(covered / RUNS).toFixed(3)} over ${LOOKS} looks, mean width ${(firstWidth / RUNS).toFixed(3)} -> ${(lastWidth / RUNS).toFixed(3)}`);
    expect(covered / RUNS).toBeGreaterThanOrEqual(0.95);
    expect(lastWidth).toBeLessThan(firstWidth / 3);
  });

  it("detects a real effect: the always-valid p-value falls under 5% well before the last look", () => {
    const draw = normalRandom.factory({ seed: 11 });
    const tau2 = mixingVarianceFor(2 / (LOOKS * BATCH));
    let detected = 0;
    for (let run = 0; run < 200; run++) {
      const looks = experiment((k) => draw(k === 0 ? 0 : 0.15, 1));
      const series = sequentialSeries(looks.map((l) => meansLook(l.control, l.variant)), { mixingVariance: tau2 });
      if (series.some((s) => s.alwaysValidPValue! <= 0.05)) detected++;
    }
    // Fixed-horizon power at n = 2000 per arm is 0.9996; the sequential test keeps most of it.
    expect(detected / 200).toBeGreaterThan(0.8);
  });
});

function report(what: string, sequential: number, peeking: number, fixed?: number) {
  console.log(
    `A/A ${what}, ${RUNS} runs x ${LOOKS} looks: sequential ${(sequential / RUNS).toFixed(3)}, peeking fixed-horizon ${(peeking / RUNS).toFixed(3)}` +
      (fixed === undefined ? "" : `, fixed-horizon at the last look only ${(fixed / RUNS).toFixed(3)}`),
  );
}
