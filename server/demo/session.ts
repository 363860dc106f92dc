import { paymentMethods } from "../ingest/domain-events";
import { distinctIdOf, emailOf, EXPERIMENT_FLAG, type Person } from "./persons";
import type { Rng } from "./prng";
import { airports, providers } from "./routes";
import { drawSearch, PRICE_SHOCK_THRESHOLD, type SearchDraw } from "./searches";
import { DAY, isoDay } from "./time";
import type { FunnelStep, NativeCaptureEvent, Variant } from "./types";
import { browsePages, HOME_TITLE, landingFor, SITE_HOST, slug, urlOf, webVitals, type Landing } from "./web";
import { channelIntent, type Channel } from "./world";

/** The funnel's step probabilities (per session); payment is where the experiment acts. */
export const funnelRates = {
  /** A session sets out to search (scaled by channel intent). */
  searchSession: 0.6,
  select: 0.36,
  checkout: 0.43,
  payment: { control: 0.58, test: 0.638 } satisfies Record<Variant, number>,
  paymentFailure: { normal: 0.15, badDevice: 0.42, outage: 0.92 },
  retryAfterFailure: 0.45,
  cancellation: 0.06,
};

/** Summary bookkeeping attached to an event, never emitted. */
export interface Tag {
  step?: FunnelStep;
  variant?: Variant;
  sessionStart?: boolean;
}

export interface SessionEnv {
  rng: Rng;
  emit(ms: number, event: NativeCaptureEvent, tag?: Tag): void;
  paymentOutage(ms: number): boolean;
}

export interface SessionOutcome {
  endMs: number;
  failedSearch: boolean;
  priceShock: boolean;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

const failureReasons: ReadonlyArray<readonly [string, number]> = [
  ["card_declined", 0.45],
  ["insufficient_funds", 0.2],
  ["3ds_failed", 0.2],
  ["expired_card", 0.05],
  ["processing_error", 0.1],
];

const cancelReasons: ReadonlyArray<readonly [string, number, number]> = [
  // reason, weight, share refunded
  ["changed_plans", 0.4, 0.6],
  ["found_cheaper", 0.15, 0.5],
  ["schedule_change", 0.2, 1],
  ["illness", 0.15, 0.8],
  ["duplicate_booking", 0.1, 1],
];

function pickPair<T>(rng: Rng, pairs: ReadonlyArray<readonly [T, number, ...unknown[]]>): readonly [T, number, ...unknown[]] {
  return pairs[rng.weightedIndex(pairs.map((p) => p[1]))] as readonly [T, number, ...unknown[]];
}

interface Page {
  url: string;
  path: string;
  title: string;
}

/** One visit of one person: pages, searches and whatever part of the funnel they get through. */
export class SessionSim {
  private t: number;
  private readonly sid: string;
  private readonly landing: Landing;
  private page: Page | null = null;
  private exposed = false;
  /** Events timed after the current instant (web vitals, errors): they must follow an identify. */
  private ahead: Array<[number, NativeCaptureEvent]> = [];
  private readonly rng: Rng;
  private searched = false;
  private paid = false;
  failedSearch = false;
  priceShock = false;

  constructor(
    private readonly env: SessionEnv,
    private readonly person: Person,
    startMs: number,
    private readonly channel: Channel,
    campaign?: string,
  ) {
    this.rng = env.rng;
    this.t = startMs;
    this.sid = this.rng.uuidv7(startMs);
    this.landing = landingFor(this.rng, channel, person.ua, campaign);
  }

  run(): SessionOutcome {
    const { rng, person } = this;
    const firstSession = person.sessions === 0;
    const intent = channelIntent[this.channel] * Math.sqrt(person.intent);
    const searching = rng.chance(Math.min(0.92, funnelRates.searchSession * intent));
    this.landingPage(searching, firstSession);
    if (searching) this.searchAndBook(intent);
    else this.browse();
    if (!person.identified && rng.chance(0.03 * person.intent)) {
      this.step(30_000);
      this.pageview("/signup", "Create your account | Travel Example");
      this.step(45_000);
      this.identify("signup");
    }
    this.step(20_000);
    this.event("$pageleave", {});
    return { endMs: this.t, failedSearch: this.failedSearch, priceShock: this.priceShock };
  }

  private step(medianMs: number, sigma = 0.6) {
    this.t += Math.max(500, Math.round(this.rng.lognormal(medianMs, sigma)));
  }

  /** Properties every in-session event carries, then the event's own (assigned, not spread: hot path). */
  private props(own: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { $session_id: this.sid, $device_id: this.person.anonId };
    const p = this.page;
    if (p) {
      out.$current_url = p.url;
      out.$host = SITE_HOST;
      out.$pathname = p.path;
    }
    if (this.exposed) out[`$feature/${EXPERIMENT_FLAG}`] = this.person.variant;
    for (const k in own) out[k] = own[k];
    return out;
  }

  private build(name: string, ms: number, properties: Record<string, unknown>, distinctId = distinctIdOf(this.person)): NativeCaptureEvent {
    return {
      event: name,
      distinct_id: distinctId,
      timestamp: new Date(ms).toISOString(),
      uuid: this.rng.uuidv7(ms),
      properties,
      ip: this.person.ip,
      user_agent: this.person.ua.ua,
    };
  }

  private event(name: string, props: Record<string, unknown>, tag?: Tag, ms = this.t): NativeCaptureEvent {
    const ev = this.build(name, ms, this.props(props));
    this.env.emit(ms, ev, tag);
    if (ms > this.t) this.ahead.push([ms, ev]);
    return ev;
  }

  private pageview(path: string, title: string, params: Record<string, string> = {}, tag?: Tag): NativeCaptureEvent {
    const prev = this.page;
    this.page = { url: urlOf(path, params), path: path.split("?")[0] as string, title };
    const ev = this.event(
      "$pageview",
      {
        $referrer: this.landing.referrer,
        $referring_domain: this.landing.referringDomain,
        title,
        $screen_width: this.person.ua.screen[0],
        $screen_height: this.person.ua.screen[1],
        ...(prev ? { $prev_pageview_pathname: prev.path } : {}),
        ...params,
      },
      tag,
    );
    if (this.rng.chance(0.6)) {
      const at = this.t + Math.round(this.rng.lognormal(5000, 0.5));
      this.event("$web_vitals", webVitals(this.rng, this.person.ua), undefined, at);
    }
    if (this.rng.chance(0.003)) this.exception("ChunkLoadError", `Loading chunk ${this.rng.int(100, 999)} failed.`);
    return ev;
  }

  private exception(type: string, message: string) {
    this.event("$exception", { $exception_type: type, $exception_message: message, $exception_level: "error" }, undefined, this.t + this.rng.int(200, 3000));
  }

  private landingPage(searching: boolean, firstSession: boolean) {
    const { rng } = this;
    const r = rng.next();
    const dest = rng.pick(Object.values(airports)).city;
    const [path, title] =
      (searching && this.channel === "google_cpc") || r < 0.25
        ? [`/destinations/${slug(dest)}`, `Flights to ${dest} | Travel Example`]
        : r < 0.45
          ? ["/deals", "Flight deals | Travel Example"]
          : ["/", HOME_TITLE];
    const ev = this.pageview(path, title, this.landing.params, { sessionStart: true });
    if (firstSession) {
      const { params } = this.landing;
      ev.$set_once = {
        $initial_referrer: this.landing.referrer,
        $initial_referring_domain: this.landing.referringDomain,
        $initial_current_url: this.page?.url,
        $initial_pathname: path,
        ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`$initial_${k}`, v])),
      };
    }
  }

  private browse() {
    const extra = this.rng.int(0, 3);
    for (let i = 0; i < extra; i++) {
      this.step(35_000, 0.7);
      if (this.person.identified && this.rng.chance(0.2)) this.pageview("/account/bookings", "Your bookings | Travel Example");
      else {
        const [path, title] = this.rng.pick(browsePages);
        this.pageview(path, title);
      }
    }
  }

  private searchAndBook(intent: number) {
    const { rng } = this;
    const count = Math.min(5, 1 + rng.geometric(0.5));
    const done: SearchDraw[] = [];
    for (let i = 0; i < count; i++) {
      this.step(i === 0 ? 15_000 : 40_000, 0.7);
      const s = drawSearch(rng, this.person, this.t, done[done.length - 1]);
      done.push(s);
      this.searchEvent(s);
    }
    const found = done.filter((s) => s.resultsCount > 0);
    if (found.length === 0) return;
    const best = found.reduce((a, b) => ((a.priceRatio ?? 1) <= (b.priceRatio ?? 1) ? a : b));
    const shocked = (best.priceRatio ?? 1) > PRICE_SHOCK_THRESHOLD;
    const urgency = best.daysOut <= 7 ? 1.15 : 1;
    if (!rng.chance(funnelRates.select * intent * urgency * (shocked ? 0.5 : 1))) return;
    this.book(best);
  }

  private searchEvent(s: SearchDraw) {
    const params: Record<string, string> = {
      origin: s.origin,
      destination: s.destination,
      depart: s.departDate,
      ...(s.returnDate ? { return: s.returnDate } : {}),
      passengers: String(s.passengers),
      cabin: s.cabin,
    };
    this.pageview(`/search?${new URLSearchParams(params).toString()}`, `${airports[s.origin].city} to ${airports[s.destination].city} | Travel Example`);
    this.t += s.durationMs;
    this.event(
      "search",
      {
        origin: s.origin,
        destination: s.destination,
        depart_date: s.departDate,
        ...(s.returnDate ? { return_date: s.returnDate } : {}),
        passengers: s.passengers,
        cabin_class: s.cabin,
        results_count: s.resultsCount,
        ...(s.resultsCount > 0 ? { cheapest_price: s.cheapest, avg_price: s.avg, max_price: s.max } : {}),
        currency: "GBP",
        duration_ms: s.durationMs,
      },
      this.searched ? undefined : { step: "search" },
    );
    this.searched = true;
    if (s.resultsCount === 0) this.failedSearch = true;
    if ((s.priceRatio ?? 0) > PRICE_SHOCK_THRESHOLD) this.priceShock = true;
  }

  private book(s: SearchDraw) {
    const { rng, person } = this;
    const provider = rng.weighted(providers, (p) => p.weight);
    const cheapest = s.cheapest as number;
    const max = s.max as number;
    const price = round2(Math.min(max, Math.max(cheapest, cheapest * provider.priceFactor * (1 + Math.abs(rng.normal(0, 0.1))))));
    const carrier = rng.pick(s.route.carriers);
    const flightId = `${carrier}${rng.int(100, 9999)}-${s.departDate.replaceAll("-", "")}`;
    const route = {
      origin: s.origin,
      destination: s.destination,
      depart_date: s.departDate,
      ...(s.returnDate ? { return_date: s.returnDate } : {}),
    };
    const trip = { passengers: s.passengers, cabin_class: s.cabin };

    this.step(25_000);
    this.pageview(`/flights/${flightId}`, `${carrier} ${airports[s.origin].city} to ${airports[s.destination].city} | Travel Example`);
    this.step(2_000);
    this.event("flight_selected", { ...route, ...trip, provider: provider.id, price, currency: "GBP", flight_id: flightId }, { step: "select" });
    if (!rng.chance(funnelRates.checkout * (person.ua.bad ? 0.85 : 1))) return;

    this.step(45_000);
    this.exposed = true;
    this.event("$feature_flag_called", { $feature_flag: EXPERIMENT_FLAG, $feature_flag_response: person.variant });
    this.t += 30;
    this.pageview("/checkout", "Checkout | Travel Example");
    this.step(1_500);
    this.event("checkout_started", { ...route, ...trip, price, provider: provider.id, currency: "GBP", flight_id: flightId }, { step: "checkout", variant: person.variant });
    if (!person.identified) {
      this.step(40_000);
      this.identify("guest_checkout");
    }
    if (!rng.chance(funnelRates.payment[person.variant])) return;

    const amount = round2(price * s.passengers);
    let method = this.paymentMethod();
    this.step(90_000, 0.5);
    this.pageview("/checkout/payment", "Payment | Travel Example");
    for (let attempt = 1; attempt <= 3; attempt++) {
      this.step(40_000, 0.5);
      this.event("payment_submitted", { amount, currency: "GBP", payment_method: method, provider: provider.id }, this.paid ? undefined : { step: "payment", variant: person.variant });
      this.paid = true;
      const outage = this.env.paymentOutage(this.t);
      const failP = outage ? funnelRates.paymentFailure.outage : person.ua.bad ? funnelRates.paymentFailure.badDevice : funnelRates.paymentFailure.normal;
      this.step(4_000, 0.5);
      if (rng.chance(failP)) {
        const reason = outage ? "gateway_unavailable" : person.ua.bad && rng.chance(0.6) ? "3ds_timeout" : (pickPair(rng, failureReasons)[0] as string);
        this.event("payment_failed", { amount, reason, currency: "GBP", payment_method: method, provider: provider.id });
        if (person.ua.bad && rng.chance(0.35)) this.exception("TypeError", "Cannot read properties of undefined (reading 'confirmCardPayment')");
        if (!rng.chance(outage ? 0.35 : funnelRates.retryAfterFailure)) return;
        if (rng.chance(0.4)) method = this.paymentMethod();
        continue;
      }
      this.completeBooking(s, provider.id, provider.commissionRate, price, amount, flightId, method, route, trip);
      return;
    }
  }

  private completeBooking(
    s: SearchDraw,
    provider: string,
    commissionRate: number,
    price: number,
    revenue: number,
    flightId: string,
    method: string,
    route: Record<string, string>,
    trip: { passengers: number; cabin_class: string },
  ) {
    const { rng, person } = this;
    const bookingId = `BK${rng.chars(8, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")}`;
    this.event(
      "booking_completed",
      {
        booking_id: bookingId,
        revenue,
        commission: round2(revenue * commissionRate),
        provider,
        currency: "GBP",
        ...route,
        ...trip,
        price,
        flight_id: flightId,
        payment_method: method,
      },
      { step: "booking" },
    );
    this.step(3_000);
    this.pageview(`/booking/confirmation/${bookingId}`, "Booking confirmed | Travel Example");
    person.interest = undefined;

    const cancelChance = funnelRates.cancellation + (s.daysOut > 60 ? 0.04 : 0);
    if (s.daysOut >= 2 && rng.chance(cancelChance)) {
      const [reason, , share] = pickPair(rng, cancelReasons) as readonly [string, number, number];
      const at = this.t + Math.round(rng.uniform(0.5, Math.min(s.daysOut - 1, 30)) * DAY);
      const ev = this.build("booking_cancelled", at, { booking_id: bookingId, reason, refund_amount: round2(revenue * share), currency: "GBP", provider }, person.userId);
      delete ev.ip;
      delete ev.user_agent;
      this.env.emit(at, ev);
    }
  }

  private paymentMethod(): string {
    const os = this.person.ua.os;
    const weights = paymentMethods.map((m) =>
      m === "card" ? 0.6 : m === "paypal" ? 0.15 : m === "klarna" ? 0.05 : m === "apple_pay" ? (os === "iOS" || os === "Mac OS" ? 0.25 : 0) : os === "Android" ? 0.2 : 0,
    );
    return paymentMethods[this.rng.weightedIndex(weights)] as string;
  }

  private identify(via: "signup" | "guest_checkout") {
    const { person } = this;
    person.identified = true;
    const ev = this.event("$identify", { $anon_distinct_id: person.anonId });
    for (const [ms, later] of this.ahead) if (ms > this.t) later.distinct_id = person.userId;
    ev.$set = { email: emailOf(person), name: person.name };
    ev.$set_once = { identified_via: via, identified_on: isoDay(this.t) };
  }
}
