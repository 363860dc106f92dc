import { UAParser } from "ua-parser-js";
import { beforeAll, describe, expect, it } from "vitest";
import { demoIpRanges, generateDemo, providers, typicalPrice, variantFor } from "../../server/demo";
import type { DemoSummary, NativeCaptureEvent } from "../../server/demo";
import { validateDomainEvent } from "../../server/ingest/domain-events";

/** The default size (90 days, 3000 people), generated once for the whole file. */
const options = { seed: 2025, endDate: "2025-07-01", projectTimezone: "Europe/London" };
let events: NativeCaptureEvent[];
let summary: DemoSummary;

type Props = Record<string, any>;
const P = (e: NativeCaptureEvent) => e.properties as Props;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const DAY = 86_400_000;

beforeAll(() => {
  const run = generateDemo(options);
  events = [...run];
  summary = run.summary;
}, 60_000);

/** Events grouped by `$session_id`, in stream order. */
function sessions(): Map<string, NativeCaptureEvent[]> {
  const out = new Map<string, NativeCaptureEvent[]>();
  for (const e of events) {
    const sid = P(e).$session_id as string | undefined;
    if (!sid) continue;
    let list = out.get(sid);
    if (!list) out.set(sid, (list = []));
    list.push(e);
  }
  return out;
}

describe("demo data: shape and order", () => {
  it("has a realistic size and matches its summary", () => {
    expect(events.length).toBeGreaterThan(150_000);
    expect(events.length).toBeLessThan(400_000);
    expect(summary.totals.events).toBe(events.length);
    const counts: Record<string, number> = {};
    for (const e of events) counts[e.event] = (counts[e.event] ?? 0) + 1;
    expect(counts).toEqual(summary.eventCounts);
    expect(summary.totals.personsSeen).toBe(3000);
  });

  it("emits native capture events in timestamp order within the period", () => {
    const start = Date.parse(summary.start);
    const end = Date.parse(summary.end);
    expect(end - start).toBe(90 * DAY);
    let prev = start;
    const allowed = new Set(["event", "distinct_id", "timestamp", "uuid", "properties", "$set", "$set_once", "ip", "user_agent"]);
    const uuids = new Set<string>();
    const bad: string[] = [];
    for (const e of events) {
      const t = Date.parse(e.timestamp);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.timestamp)) bad.push(`format ${e.timestamp}`);
      if (t < prev || t >= end) bad.push(`order ${e.timestamp}`);
      prev = t;
      if (Object.keys(e).some((k) => !allowed.has(k))) bad.push(`keys ${Object.keys(e)}`);
      if (parseInt(e.uuid.replace(/-/g, "").slice(0, 12), 16) !== t) bad.push(`uuid ${e.uuid}`);
      if (typeof e.distinct_id !== "string" || !e.distinct_id) bad.push(`distinct_id ${e.distinct_id}`);
      uuids.add(e.uuid);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(uuids.size).toBe(events.length);
  });

  it("passes every event's typed definition", () => {
    const problems: string[] = [];
    for (const e of events) {
      for (const p of validateDomainEvent(e.event, e.properties)) problems.push(`${e.event}.${p.field}: ${p.problem}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it("gives each device real user agents and each country its IP ranges", () => {
    const byAnon = new Map(summary.churn.persons.map((p) => [p.anonDistinctId, p]));
    const inRange = (ip: string, cidr: string) => {
      const n = (s: string) => s.split(".").reduce((a, x) => a * 256 + Number(x), 0);
      const [base, bits] = cidr.split("/") as [string, string];
      const size = 2 ** (32 - Number(bits));
      return n(ip) >= n(base) && n(ip) < n(base) + size;
    };
    const seen = new Set<string>();
    for (const e of events) {
      const anon = P(e).$device_id as string | undefined;
      if (!anon || seen.has(anon)) continue;
      seen.add(anon);
      const truth = byAnon.get(anon)!;
      expect(truth).toBeDefined();
      expect(new UAParser(e.user_agent).getResult().device.type ?? "desktop").toBe(truth.device);
      expect(demoIpRanges[truth.country].some((c) => inRange(e.ip!, c))).toBe(true);
    }
    expect(seen.size).toBe(3000);
  });
});

describe("demo data: people and sessions", () => {
  it("sets initial referrer and UTM once, on each person's first pageview", () => {
    const first = new Map<string, NativeCaptureEvent>();
    for (const e of events) {
      const anon = P(e).$device_id as string;
      if (e.event === "$pageview" && anon && !first.has(anon)) first.set(anon, e);
    }
    const withSetOnce = events.filter((e) => e.event === "$pageview" && e.$set_once);
    expect(withSetOnce.length).toBe(3000);
    for (const e of first.values()) {
      expect(e.$set_once?.$initial_referrer).toBe(P(e).$referrer);
      expect(P(e).$current_url).toMatch(/^https:\/\/travel\.example\//);
    }
    const firsts = [...first.values()];
    const cpc = firsts.filter((e) => P(e).utm_medium === "cpc");
    expect(cpc.length / firsts.length).toBeGreaterThan(0.12);
    for (const e of cpc) {
      expect(e.$set_once?.$initial_utm_source).toBe("google");
      expect(P(e).$current_url).toContain("utm_medium=cpc");
    }
    expect(firsts.filter((e) => P(e).$referrer === "$direct").length / firsts.length).toBeGreaterThan(0.2);
    expect(firsts.filter((e) => P(e).$referring_domain === "www.google.com").length / firsts.length).toBeGreaterThan(0.4);
  });

  it("identifies people with $anon_distinct_id, an email and a name, once each", () => {
    const anonIds = new Set(events.filter((e) => e.distinct_id === P(e).$device_id).map((e) => e.distinct_id));
    const identifies = events.filter((e) => e.event === "$identify");
    expect(identifies.length).toBe(summary.totals.identifiedPersons);
    expect(identifies.length / 3000).toBeGreaterThan(0.25);
    const seen = new Set<string>();
    for (const e of identifies) {
      expect(anonIds.has(P(e).$anon_distinct_id)).toBe(true);
      expect(P(e).$anon_distinct_id).toBe(P(e).$device_id);
      expect(e.distinct_id).toMatch(/^usr_\d+$/);
      expect(e.$set?.email).toBe(`user${e.distinct_id.slice(4)}@example.com`);
      expect(typeof e.$set?.name).toBe("string");
      expect(seen.has(e.distinct_id)).toBe(false);
      seen.add(e.distinct_id);
    }
    // In stream order: the anonymous id until the $identify, the user id from then on.
    const identified = new Set<string>();
    const wrong: string[] = [];
    for (const e of events) {
      const anon = P(e).$device_id as string | undefined;
      if (!anon) continue;
      if (e.event === "$identify") identified.add(anon);
      else if (identified.has(anon) === (e.distinct_id === anon)) wrong.push(`${e.event} ${e.timestamp} ${e.distinct_id}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("follows daily rhythms, weekdays and growth", () => {
    const daily = summary.expected.daily;
    expect(daily.length).toBeGreaterThanOrEqual(90);
    const firstWeeks = daily.slice(14, 28).reduce((n, d) => n + d.sessions, 0);
    const lastWeeks = daily.slice(-14).reduce((n, d) => n + d.sessions, 0);
    expect(lastWeeks).toBeGreaterThan(firstWeeks * 1.2);
    const byHour = new Array(24).fill(0);
    for (const e of events) if (e.event === "$pageview") byHour[new Date(e.timestamp).getUTCHours()]++;
    expect(byHour[19] + byHour[20]).toBeGreaterThan(4 * (byHour[2] + byHour[3]));
  });

  it("keeps the funnel in order within each session, at the planned rates", () => {
    const steps = ["search", "flight_selected", "checkout_started", "payment_submitted", "booking_completed"];
    const reached = [0, 0, 0, 0, 0];
    const outOfOrder: string[] = [];
    for (const list of sessions().values()) {
      const seen = new Set<string>();
      for (const e of list) {
        const i = steps.indexOf(e.event);
        if (i > 0 && steps.slice(0, i).some((before) => !seen.has(before))) outOfOrder.push(`${e.event} in ${e.properties.$session_id}`);
        if (e.event === "payment_failed" && !seen.has("payment_submitted")) outOfOrder.push(`payment_failed in ${e.properties.$session_id}`);
        if (i >= 0) seen.add(e.event);
      }
      steps.forEach((s, i) => {
        if (seen.has(s)) reached[i]!++;
      });
    }
    expect(outOfOrder.slice(0, 5)).toEqual([]);
    const f = summary.expected.funnel;
    expect(reached).toEqual([f.search, f.select, f.checkout, f.payment, f.booking]);
    const rate = reached.map((n) => n / reached[0]!);
    expect(rate[1]).toBeGreaterThan(0.3);
    expect(rate[1]).toBeLessThan(0.4);
    expect(rate[2]).toBeGreaterThan(0.12);
    expect(rate[2]).toBeLessThan(0.18);
    expect(rate[3]).toBeGreaterThan(0.08);
    expect(rate[3]).toBeLessThan(0.12);
    expect(rate[4]).toBeGreaterThan(0.065);
    expect(rate[4]).toBeLessThan(0.1);
    expect(summary.eventCounts.payment_failed).toBeGreaterThan(0.05 * summary.eventCounts.payment_submitted!);
  });
});

describe("demo data: market and money", () => {
  it("prices searches by days to departure, with some searches finding nothing", () => {
    const near: number[] = [];
    const mid: number[] = [];
    let empty = 0;
    const unordered: Props[] = [];
    const searches = events.filter((e) => e.event === "search");
    for (const e of searches) {
      const p = P(e);
      if (p.results_count === 0) {
        empty++;
        if (p.cheapest_price !== undefined) unordered.push(p);
        continue;
      }
      if (!(p.cheapest_price < p.avg_price && p.avg_price < p.max_price)) unordered.push(p);
      const daysOut = Math.round((Date.parse(p.depart_date) - Date.parse(e.timestamp.slice(0, 10))) / DAY);
      if (daysOut >= 1 && daysOut <= 7) near.push(p.cheapest_price);
      if (daysOut >= 21 && daysOut <= 60) mid.push(p.cheapest_price);
    }
    expect(unordered.slice(0, 3)).toEqual([]);
    expect(near.length).toBeGreaterThan(200);
    expect(median(near)).toBeGreaterThan(1.3 * median(mid));
    expect(empty / searches.length).toBeGreaterThan(0.02);
    expect(empty / searches.length).toBeLessThan(0.12);
  });

  it("books revenue = price x passengers with each provider's commission, as summarised", () => {
    const rate = new Map(providers.map((p) => [p.id, p.commissionRate]));
    const byProvider: Record<string, { bookings: number; revenue: number; commission: number }> = {};
    const booked = new Map<string, number>();
    for (const e of events.filter((x) => x.event === "booking_completed")) {
      const p = P(e);
      expect(p.revenue).toBeCloseTo(p.price * p.passengers, 1);
      expect(p.commission).toBeCloseTo(p.revenue * rate.get(p.provider)!, 1);
      const f = (byProvider[p.provider] ??= { bookings: 0, revenue: 0, commission: 0 });
      f.bookings++;
      f.revenue += p.revenue;
      f.commission += p.commission;
      booked.set(p.booking_id, p.revenue);
    }
    expect(Object.keys(byProvider).sort()).toEqual(providers.map((p) => p.id).sort());
    for (const [id, f] of Object.entries(byProvider)) {
      const want = summary.expected.bookingsByProvider[id]!;
      expect(f.bookings).toBe(want.bookings);
      expect(f.revenue).toBeCloseTo(want.revenue, 1);
      expect(f.commission).toBeCloseTo(want.commission, 1);
    }
    const cancelled = events.filter((e) => e.event === "booking_cancelled");
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.length).toBe(summary.totals.cancellations);
    for (const e of cancelled) {
      expect(booked.has(P(e).booking_id)).toBe(true);
      expect(P(e).refund_amount).toBeLessThanOrEqual(booked.get(P(e).booking_id)!);
    }
  });

  it("measures web vitals, worse on mobile", () => {
    const lcp = { desktop: [] as number[], mobile: [] as number[] };
    for (const e of events) {
      if (e.event !== "$web_vitals") continue;
      const type = new UAParser(e.user_agent).getResult().device.type;
      if (type === undefined) lcp.desktop.push(P(e).$web_vitals_LCP_value);
      else if (type === "mobile") lcp.mobile.push(P(e).$web_vitals_LCP_value);
    }
    expect(median(lcp.mobile)).toBeGreaterThan(1.3 * median(lcp.desktop));
  });
});

describe("demo data: what the platform should discover", () => {
  it("runs the checkout-redesign experiment with a recoverable effect", () => {
    const tally = { control: { n: 0, conv: 0 }, test: { n: 0, conv: 0 } };
    for (const list of sessions().values()) {
      const flag = list.find((e) => e.event === "$feature_flag_called");
      if (!flag) continue;
      const variant = P(flag).$feature_flag_response as "control" | "test";
      expect(P(flag).$feature_flag).toBe("checkout-redesign");
      expect(variant).toBe(variantFor(P(flag).$device_id));
      expect(list.some((e) => e.event === "checkout_started")).toBe(true);
      tally[variant].n++;
      if (list.some((e) => e.event === "payment_submitted")) tally[variant].conv++;
    }
    const obs = summary.experiment.observed;
    expect(tally.control).toEqual({ n: obs.control.exposures, conv: obs.control.conversions });
    expect(tally.test).toEqual({ n: obs.test.exposures, conv: obs.test.conversions });
    expect(summary.experiment.trueRelativeLift).toBeCloseTo(0.1, 5);
    // The true lift lies within the observed lift's 95% interval (delta method on the rate ratio).
    const pc = tally.control.conv / tally.control.n;
    const pt = tally.test.conv / tally.test.n;
    const lift = pt / pc - 1;
    const se = (pt / pc) * Math.sqrt((1 - pt) / (pt * tally.test.n) + (1 - pc) / (pc * tally.control.n));
    expect(Math.abs(lift - summary.experiment.trueRelativeLift)).toBeLessThan(1.96 * se);
    expect(lift).toBeGreaterThan(0);
    expect(Math.abs(pc - summary.experiment.trueRates.control)).toBeLessThan(0.05);
    expect(Math.abs(tally.control.n - tally.test.n) / (tally.control.n + tally.test.n)).toBeLessThan(0.1);
  });

  it("makes failed searches, price shocks and the bad device precede lower return rates", () => {
    // A session "returns" when its person has a later session; only the first 60 days count,
    // so every session had time to be followed.
    const cutoff = Date.parse(summary.start) + 60 * DAY;
    const badUa = summary.market.badUserAgent;
    const personSessions = new Map<string, number[]>();
    const facts: Array<{ anon: string; start: number; failed: boolean; shock: boolean; bad: boolean }> = [];
    for (const list of sessions().values()) {
      const first = list[0]!;
      const anon = P(first).$device_id as string;
      const start = Date.parse(first.timestamp);
      (personSessions.get(anon) ?? personSessions.set(anon, []).get(anon)!).push(start);
      if (start >= cutoff) continue;
      let failed = false;
      let shock = false;
      for (const e of list) {
        if (e.event !== "search") continue;
        const p = P(e);
        if (p.results_count === 0) failed = true;
        else if (p.cheapest_price > summary.market.priceShockThreshold * typicalPrice(p.origin, p.destination, p.cabin_class)) shock = true;
      }
      facts.push({ anon, start, failed, shock, bad: first.user_agent === badUa });
    }
    const returned = (f: (typeof facts)[number]) => personSessions.get(f.anon)!.some((t) => t > f.start);
    const rate = (xs: typeof facts) => xs.filter(returned).length / xs.length;
    const clean = rate(facts.filter((f) => !f.failed && !f.shock && !f.bad));
    const failed = rate(facts.filter((f) => f.failed && !f.shock));
    const shock = rate(facts.filter((f) => f.shock && !f.failed));
    const bad = rate(facts.filter((f) => f.bad && !f.failed && !f.shock));
    expect(failed).toBeLessThan(clean - 0.1);
    expect(shock).toBeLessThan(clean - 0.07);
    expect(bad).toBeLessThan(clean - 0.04);

    // The recorded causes: every person has one, churners never come back after churning.
    const c = summary.churn.causes;
    expect(Object.values(c).reduce((a, b) => a + b, 0)).toBe(3000);
    for (const k of ["failed_search", "price_shock", "bad_device", "baseline", "none"] as const) expect(c[k]).toBeGreaterThan(0);
    for (const p of summary.churn.persons) {
      if (p.churnCause === "none") continue;
      const last = Math.max(...personSessions.get(p.anonDistinctId)!);
      expect(last).toBeLessThanOrEqual(Date.parse(p.churnedAt!));
      if (p.churnCause === "bad_device") expect(p.badDevice).toBe(true);
    }
  });

  it("shows the injected anomalies on their days", () => {
    const daily = new Map(summary.expected.daily.map((d) => [d.date, d]));
    const outage = summary.anomalies.find((a) => a.kind === "payment_outage")!;
    const spike = summary.anomalies.find((a) => a.kind === "newsletter_spike")!;
    const others = summary.expected.daily.filter((d) => d.date !== outage.date && d.date !== spike.date);
    const out = daily.get(outage.date)!;
    expect(out.paymentFailed).toBeGreaterThan(3 * median(others.map((d) => d.paymentFailed)));
    expect(out.bookings).toBeLessThan(0.6 * median(others.map((d) => d.bookings)));
    const failures = events.filter((e) => e.event === "payment_failed" && P(e).reason === "gateway_unavailable");
    for (const e of failures) {
      expect(e.timestamp >= outage.start && e.timestamp < outage.end).toBe(true);
    }
    expect(daily.get(spike.date)!.sessions).toBeGreaterThan(1.5 * median(others.map((d) => d.sessions)));
    const flash = events.filter((e) => e.event === "$pageview" && P(e).utm_campaign === "flash-sale");
    expect(flash.length).toBeGreaterThan(100);
    for (const e of flash) expect(e.timestamp >= spike.start && e.timestamp < spike.end).toBe(true);
  });
});
