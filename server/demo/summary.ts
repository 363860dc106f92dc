import { personTruth, EXPERIMENT_FLAG, type Person } from "./persons";
import { cabinMultiplier, providers, routes } from "./routes";
import { PRICE_SHOCK_THRESHOLD } from "./searches";
import { funnelRates, type Tag } from "./session";
import { localDay } from "./time";
import type {
  ChurnCause,
  DailyFigures,
  DemoAnomaly,
  DemoSummary,
  FunnelStep,
  NativeCaptureEvent,
  ProviderFigures,
  ResolvedDemoOptions,
  Variant,
  VariantFigures,
} from "./types";
import { userAgents } from "./world";

/** Per-session churn hazards by cause; a session's hazard is the sum of the causes it showed. */
export const churnHazards: Record<Exclude<ChurnCause, "none">, number> = {
  baseline: 0.04,
  failed_search: 0.2,
  price_shock: 0.15,
  bad_device: 0.1,
};

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Counts what is emitted, event by event, so the summary matches the stream exactly. */
export class SummaryAccumulator {
  private readonly eventCounts = new Map<string, number>();
  private readonly byProvider = new Map<string, ProviderFigures>();
  private readonly funnel: Record<FunnelStep, number> = { search: 0, select: 0, checkout: 0, payment: 0, booking: 0 };
  private readonly exp: Record<Variant, { exposures: number; conversions: number }> = {
    control: { exposures: 0, conversions: 0 },
    test: { exposures: 0, conversions: 0 },
  };
  private readonly daily = new Map<string, DailyFigures>();
  private events = 0;
  private sessions = 0;
  private bookings = 0;
  private cancellations = 0;
  private revenue = 0;
  private commission = 0;
  private refunds = 0;

  constructor(private readonly opts: ResolvedDemoOptions) {}

  add(ms: number, ev: NativeCaptureEvent, tag: Tag | undefined) {
    this.events++;
    this.eventCounts.set(ev.event, (this.eventCounts.get(ev.event) ?? 0) + 1);
    const date = localDay(this.opts.projectTimezone, ms);
    let day = this.daily.get(date);
    if (!day) {
      day = { date, events: 0, sessions: 0, pageviews: 0, searches: 0, paymentFailed: 0, bookings: 0, revenue: 0 };
      this.daily.set(date, day);
    }
    day.events++;
    if (tag?.sessionStart) {
      this.sessions++;
      day.sessions++;
    }
    if (tag?.step) this.funnel[tag.step]++;
    if (tag?.variant && tag.step === "checkout") this.exp[tag.variant].exposures++;
    if (tag?.variant && tag.step === "payment") this.exp[tag.variant].conversions++;
    const p = ev.properties;
    switch (ev.event) {
      case "$pageview":
        day.pageviews++;
        break;
      case "search":
        day.searches++;
        break;
      case "payment_failed":
        day.paymentFailed++;
        break;
      case "booking_completed": {
        const revenue = p.revenue as number;
        const commission = p.commission as number;
        const provider = p.provider as string;
        this.bookings++;
        this.revenue += revenue;
        this.commission += commission;
        day.bookings++;
        day.revenue += revenue;
        const rate = providers.find((x) => x.id === provider)?.commissionRate ?? 0;
        const f = this.byProvider.get(provider) ?? { bookings: 0, revenue: 0, commission: 0, commissionRate: rate };
        f.bookings++;
        f.revenue += revenue;
        f.commission += commission;
        this.byProvider.set(provider, f);
        break;
      }
      case "booking_cancelled":
        this.cancellations++;
        this.refunds += p.refund_amount as number;
        break;
    }
  }

  finish(persons: Person[], anomalies: DemoAnomaly[]): DemoSummary {
    const o = this.opts;
    const causes: Record<ChurnCause, number> = { failed_search: 0, price_shock: 0, bad_device: 0, baseline: 0, none: 0 };
    for (const p of persons) causes[p.churn]++;
    const variant = (v: Variant): VariantFigures => {
      const { exposures, conversions } = this.exp[v];
      return { exposures, conversions, rate: exposures ? conversions / exposures : 0 };
    };
    const control = variant("control");
    const test = variant("test");
    const bookingsByProvider = Object.fromEntries(
      [...this.byProvider.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, f]) => [k, { ...f, revenue: round2(f.revenue), commission: round2(f.commission) }]),
    );
    return {
      seed: o.seed,
      days: o.days,
      persons: o.persons,
      start: new Date(o.startMs).toISOString(),
      end: new Date(o.endMs).toISOString(),
      projectTimezone: o.projectTimezone,
      currency: "GBP",
      totals: {
        events: this.events,
        sessions: this.sessions,
        personsSeen: persons.length,
        identifiedPersons: persons.filter((p) => p.identified).length,
        bookings: this.bookings,
        cancellations: this.cancellations,
        revenue: round2(this.revenue),
        commission: round2(this.commission),
        refunds: round2(this.refunds),
      },
      eventCounts: Object.fromEntries([...this.eventCounts.entries()].sort(([a], [b]) => a.localeCompare(b))),
      expected: {
        bookingsByProvider,
        funnel: { ...this.funnel },
        daily: [...this.daily.values()]
          .sort((a, b) => a.date.localeCompare(b.date))
          .map((d) => ({ ...d, revenue: round2(d.revenue) })),
      },
      experiment: {
        flag: EXPERIMENT_FLAG,
        variants: ["control", "test"],
        assignment: `sha1("${EXPERIMENT_FLAG}." + anonymous distinct id), first 15 hex digits / 0xfffffffffffffff < 0.5 => control`,
        metric: "sessions with checkout_started that go on to payment_submitted (same $session_id)",
        trueRates: { ...funnelRates.payment },
        trueRelativeLift: round2(funnelRates.payment.test / funnelRates.payment.control - 1),
        observed: { control, test, relativeLift: control.rate ? test.rate / control.rate - 1 : 0 },
      },
      anomalies,
      churn: { hazards: { ...churnHazards }, causes, persons: persons.map(personTruth) },
      market: {
        routes: routes.map((r) => ({ origin: r.a, destination: r.b, typicalPrice: r.typicalPrice, popularity: r.popularity })),
        cabinMultiplier: { ...cabinMultiplier },
        providers: providers.map((p) => ({ id: p.id, commissionRate: p.commissionRate })),
        priceShockThreshold: PRICE_SHOCK_THRESHOLD,
        badUserAgent: userAgents.find((u) => u.bad)?.ua ?? "",
      },
    };
  }
}
