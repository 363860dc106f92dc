/**
 * Buy or wait: the rule (ADR 0020).
 *
 * For each future booking day d with predicted median price m_d and 80% band [lo_d, hi_d], the
 * price P_d is taken as log-normal around m_d with sigma_d = ln(hi_d / lo_d) / (2 * 1.2816) (the
 * band's own width). With p0 the price now:
 *   expected saving  S_d = p0 - m_d
 *   risk of a rise   R_d = E[max(P_d - p0, 0)]   (what waiting costs, on average, when it goes wrong)
 * Waiting for day d is worth it when S_d > R_d and S_d is at least max(1% of p0, 1 unit of
 * money). Among such days the one with the largest S_d - R_d is the best booking date; if there
 * is none the advice is to buy now. A wide band makes R_d large, so the same point forecast can
 * give "wait" with a narrow band and "buy" with a wide one.
 */
export interface ForecastPoint {
  date: string;
  predictedPrice: number;
  lower: number;
  upper: number;
}

export interface Advice {
  recommendation: "buy" | "wait";
  bestBookingDate: string;
  estimatedSavings: number;
  /** Per forecast day: the expected saving and the risk of a rise, for display and tests. */
  days: { date: string; saving: number; risk: number; worthWaiting: boolean }[];
}

export const Z80 = 1.2815515655446004;

/** Standard normal CDF (Zelen & Severo 26.2.17 via erfc series; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - p : p;
}

/** E[max(P - k, 0)] for P log-normal with median m and log-sd sigma (the Black-Scholes call value). */
export function expectedExcess(m: number, sigma: number, k: number): number {
  if (sigma <= 0) return Math.max(m - k, 0);
  const mean = m * Math.exp((sigma * sigma) / 2);
  const d1 = (Math.log(mean / k) + (sigma * sigma) / 2) / sigma;
  return mean * normalCdf(d1) - k * normalCdf(d1 - sigma);
}

export function sigmaOfBand(lower: number, upper: number): number {
  return Math.log(upper / lower) / (2 * Z80);
}

export const MIN_SAVING_SHARE = 0.01;
export const MIN_SAVING_ABSOLUTE = 1;

export function advise(currentPrice: number, today: string, forecast: readonly ForecastPoint[]): Advice {
  let best: { date: string; saving: number; score: number } | null = null;
  const days = forecast.map((f) => {
    const saving = currentPrice - f.predictedPrice;
    const risk = expectedExcess(f.predictedPrice, sigmaOfBand(f.lower, f.upper), currentPrice);
    const worthWaiting = saving > risk && saving >= Math.max(MIN_SAVING_SHARE * currentPrice, MIN_SAVING_ABSOLUTE);
    if (worthWaiting && (!best || saving - risk > best.score)) best = { date: f.date, saving, score: saving - risk };
    return { date: f.date, saving, risk, worthWaiting };
  });
  const chosen = best as { date: string; saving: number } | null;
  return chosen
    ? { recommendation: "wait", bestBookingDate: chosen.date, estimatedSavings: Math.round(chosen.saving * 100) / 100, days }
    : { recommendation: "buy", bestBookingDate: today, estimatedSavings: 0, days };
}
