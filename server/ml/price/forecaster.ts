import { dayOf, isoOfDay, KNOTS, MAX_DAYS_OUT } from "./features";
import { scaleOf, type Calibration, type PriceMetrics } from "./backtest";
import { CompiledModelSet, type Basis, type ModelSet } from "./model-set";
import type { PriceQuery } from "./model";
import { advise } from "./recommend";
import type { BestTimeToBookInput, PriceForecastAnswer, PriceForecastInput } from "./schema";

/** What a price model version stores (as its artifact, JSON) and serves from memory. */
export interface PriceBundle {
  format: 1;
  set: ModelSet;
  calibration: Calibration;
  metrics: PriceMetrics;
  /** Last UTC day of searches the model saw. */
  trainedThrough: number;
  /** Routes seen in training with their priced searches, most searched first (for pickers). */
  catalog: { origin: string; destination: string; searches: number }[];
}

export const HORIZON = 7;
const round2 = (x: number) => Math.round(x * 100) / 100;

export interface Priced {
  price: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

/** An active version in memory: answers in microseconds, no I/O. */
export class PriceForecaster {
  private readonly compiled: CompiledModelSet;
  constructor(
    readonly bundle: PriceBundle,
    readonly version: { id: string; version: number },
  ) {
    this.compiled = new CompiledModelSet(bundle.set);
  }

  /** Median price and bands of one search (route, cabin, departure, day of search). */
  price(q: PriceQuery): Priced & { basis: Basis } {
    const rung = this.compiled.rung(q.origin, q.destination);
    const { logPrice, routeSeen } = this.compiled.predict(rung, q);
    const s = scaleOf(rung, routeSeen);
    const { q80, q95 } = this.bundle.calibration;
    const m = Math.exp(logPrice);
    return { basis: rung.basis, price: m, lower80: m * Math.exp(-q80 * s), upper80: m * Math.exp(q80 * s), lower95: m * Math.exp(-q95 * s), upper95: m * Math.exp(q95 * s) };
  }

  confidence(basis: Basis): number {
    const m = this.bundle.metrics;
    const own = m.byBasis[basis];
    if (own && own.n >= 30 && own.coverage80 !== null) return round2(own.coverage80);
    return round2(m.coverage80 ?? 0.8);
  }

  forecast(input: PriceForecastInput, today: number): PriceForecastAnswer & { points: (Priced & { date: string; horizon: number })[] } {
    const departDay = dayOf(input.departDate);
    const base = { origin: input.origin, destination: input.destination, cabin: input.cabinClass, roundTrip: input.returnDate !== undefined, departDay };
    const now = this.price({ ...base, purchaseDay: today });
    const confidence = this.confidence(now.basis);
    const points: (Priced & { date: string; horizon: number })[] = [{ ...now, date: isoOfDay(today), horizon: 0 }];
    for (let h = 1; h <= HORIZON && today + h <= departDay; h++) points.push({ ...this.price({ ...base, purchaseDay: today + h }), date: isoOfDay(today + h), horizon: h });
    const forecast = points.slice(1).map((p) => ({ date: p.date, predictedPrice: round2(p.price), lower: round2(p.lower80), upper: round2(p.upper80), confidence }));
    const currentPrice = round2(now.price);
    const advice = advise(currentPrice, isoOfDay(today), forecast);
    return {
      currentPrice,
      forecast,
      recommendation: advice.recommendation,
      bestBookingDate: advice.bestBookingDate,
      estimatedSavings: advice.estimatedSavings,
      modelVersion: this.version.version,
      basis: now.basis,
      points,
    };
  }

  /**
   * The cheapest time to book a route, from its days-to-departure curve and purchase weekdays:
   * the predicted fare for each days-out knot (for a departure `departDate`, or a typical one
   * 60 days ahead), the cheapest window, and with a departure date the best booking date from today.
   */
  bestTimeToBook(input: BestTimeToBookInput, today: number) {
    const departDay = input.departDate ? dayOf(input.departDate) : today + 60;
    const base = { origin: input.origin, destination: input.destination, cabin: input.cabinClass, roundTrip: false, departDay };
    const curve = KNOTS.filter((k) => k <= MAX_DAYS_OUT).map((daysOut) => {
      const p = this.price({ ...base, purchaseDay: departDay - daysOut });
      return { daysBeforeDeparture: daysOut, predictedPrice: round2(p.price), lower: round2(p.lower80), upper: round2(p.upper80) };
    });
    const min = Math.min(...curve.map((c) => c.predictedPrice));
    const window = curve.filter((c) => c.predictedPrice <= min * 1.03).map((c) => c.daysBeforeDeparture);
    let booking: { date: string; predictedPrice: number; daysBeforeDeparture: number } | null = null;
    if (input.departDate) {
      for (let d = today; d <= departDay; d++) {
        const p = this.price({ ...base, purchaseDay: d }).price;
        if (!booking || p < booking.predictedPrice - 1e-9) booking = { date: isoOfDay(d), predictedPrice: round2(p), daysBeforeDeparture: departDay - d };
      }
    }
    return {
      basis: this.compiled.rung(input.origin, input.destination).basis,
      modelVersion: this.version.version,
      cheapestWindow: { fromDaysBefore: Math.min(...window), toDaysBefore: Math.max(...window), predictedPrice: round2(min) },
      curve,
      bestBookingDate: booking,
    };
  }
}
