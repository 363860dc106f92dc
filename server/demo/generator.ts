import { createPerson, type Person } from "./persons";
import { Rng } from "./prng";
import { SessionSim, type SessionEnv, type Tag } from "./session";
import { churnHazards, SummaryAccumulator } from "./summary";
import { assertTimeZone, DAY, HOUR, isoDay, MINUTE, utcMidnight, zoneOffset } from "./time";
import type { ChurnCause, DemoAnomaly, DemoDayChunk, DemoOptions, DemoSummary, NativeCaptureEvent, ResolvedDemoOptions } from "./types";
import type { Channel } from "./world";

/**
 * The demo travel business, simulated one UTC day at a time so that memory holds only the people
 * and the events of the days in flight. Output order: every event in timestamp order (ties in
 * generation order); `days()` gives the same stream cut into sorted UTC-day chunks.
 */

/** Local hour-of-day weights: quiet nights, a lunchtime bump, the evening peak. */
const hourWeights = [0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.5, 0.8, 1, 1.05, 1.1, 1.2, 1.15, 1.05, 1, 1, 1.1, 1.3, 1.5, 1.6, 1.5, 1.1, 0.5];
/** Visits by weekday (0 = Sunday): trips are planned on Sundays and Mondays. */
const weekdayVisits = [1.15, 1.12, 1.02, 0.97, 0.95, 0.85, 0.9];
/** Visits by month: January planning rush, quiet December. */
const monthVisits = [1.2, 1.05, 1, 1, 1.05, 1.1, 1.05, 0.95, 0.9, 0.95, 0.95, 0.85];
/** New visitors in the last day of the period relative to the first. */
const GROWTH = 3;
/** Share of people who already knew the site and turn up in the first two weeks. */
const EXISTING_SHARE = 0.15;
/** No visit starts this close to the end, so no visit is cut short by it. */
const END_MARGIN = 2 * HOUR;

export function resolveOptions(o: DemoOptions): ResolvedDemoOptions {
  const days = o.days ?? 90;
  const persons = o.persons ?? 3000;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer (got ${days})`);
  if (!Number.isInteger(persons) || persons < 1) throw new RangeError(`persons must be a positive integer (got ${persons})`);
  const end = o.endDate === undefined ? Date.now() : new Date(o.endDate).getTime();
  if (!Number.isFinite(end)) throw new RangeError(`endDate is not a date (got ${String(o.endDate)})`);
  const endMs = utcMidnight(end);
  const projectTimezone = o.projectTimezone ?? "UTC";
  assertTimeZone(projectTimezone);
  return { seed: o.seed, days, persons, startMs: endMs - days * DAY, endMs, projectTimezone };
}

interface Pending {
  ms: number;
  seq: number;
  ev: NativeCaptureEvent;
  tag: Tag | undefined;
}

/** Midnight of a project-local date, as a UTC instant. */
function localMidnight(zone: string, date: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  return utc - zoneOffset(zone, utc + 12 * HOUR);
}

function planAnomalies(rng: Rng, o: ResolvedDemoOptions): { outage?: DemoAnomaly; spike?: DemoAnomaly & { sendMs: number } } {
  if (o.days < 5) return {};
  const dateAt = (frac: number) => isoDay(o.startMs + Math.min(o.days - 2, Math.max(1, Math.floor(o.days * frac))) * DAY);
  const outageDate = dateAt(0.6 + 0.2 * rng.next());
  let spikeDate = dateAt(0.3 + 0.15 * rng.next());
  if (spikeDate === outageDate) spikeDate = dateAt(0.2);
  const outageStart = localMidnight(o.projectTimezone, outageDate) + 6 * HOUR;
  const sendMs = localMidnight(o.projectTimezone, spikeDate) + 9 * HOUR;
  return {
    outage: {
      kind: "payment_outage",
      date: outageDate,
      start: new Date(outageStart).toISOString(),
      end: new Date(outageStart + 18 * HOUR).toISOString(),
      description: "Payment gateway outage 06:00-24:00 project time: most payments fail with reason gateway_unavailable, bookings drop.",
    },
    spike: {
      kind: "newsletter_spike",
      date: spikeDate,
      start: new Date(sendMs).toISOString(),
      end: new Date(sendMs + 12 * HOUR).toISOString(),
      description: "Flash-sale newsletter sent 09:00 project time: identified people return (utm_campaign=flash-sale), traffic and searches jump.",
      sendMs,
    },
  };
}

/** Arrival day of each person, ascending: a base of existing users early, then growing acquisition. */
function arrivalDays(rng: Rng, o: ResolvedDemoOptions): Int32Array {
  const out = new Int32Array(o.persons);
  const early = Math.min(14, o.days);
  for (let i = 0; i < o.persons; i++) {
    const u = rng.next();
    out[i] = rng.chance(EXISTING_SHARE) ? Math.floor(u * early) : Math.min(o.days - 1, Math.floor((o.days * Math.log(1 + u * (GROWTH - 1))) / Math.log(GROWTH)));
  }
  return out.sort();
}

function returningChannel(rng: Rng, p: Person): Channel {
  const r = rng.next();
  if (r < 0.55) return "direct";
  if (r < 0.75) return "google_organic";
  if (r < 0.88) return p.identified ? "newsletter" : "direct";
  if (r < 0.94) return "google_cpc";
  return "facebook";
}

export class DemoRun implements Iterable<NativeCaptureEvent>, AsyncIterable<NativeCaptureEvent> {
  readonly options: ResolvedDemoOptions;
  private lastSummary: DemoSummary | null = null;

  constructor(options: DemoOptions) {
    this.options = resolveOptions(options);
  }

  /** The summary of the last complete pass over the stream; throws before one has finished. */
  get summary(): DemoSummary {
    if (!this.lastSummary) throw new Error("the demo summary is complete only after the events have been read to the end");
    return this.lastSummary;
  }

  /** Read the whole stream without keeping it, and return its summary. */
  run(): DemoSummary {
    for (const _ of this.days());
    return this.summary;
  }

  *events(): Generator<NativeCaptureEvent> {
    for (const chunk of this.days()) yield* chunk.events;
  }

  [Symbol.iterator](): Iterator<NativeCaptureEvent> {
    return this.events();
  }

  /** Same stream, giving the event loop a turn between days. */
  async *[Symbol.asyncIterator](): AsyncIterator<NativeCaptureEvent> {
    for await (const chunk of this.daysAsync()) yield* chunk.events;
  }

  async *daysAsync(): AsyncGenerator<DemoDayChunk> {
    for (const chunk of this.days()) {
      yield chunk;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Every pass starts from the seed again, so each pass gives the same chunks. */
  *days(): Generator<DemoDayChunk> {
    const o = this.options;
    const rng = new Rng(o.seed);
    const summary = new SummaryAccumulator(o);
    const { outage, spike } = planAnomalies(rng, o);
    const outageStart = outage ? Date.parse(outage.start) : 0;
    const outageEnd = outage ? Date.parse(outage.end) : 0;
    const arrivals = arrivalDays(rng, o);
    const pending = new Map<number, Pending[]>();
    const persons: Person[] = [];
    let active: Person[] = [];
    let nextArrival = 0;
    let seq = 0;
    let flushed = 0; // days before this one have been yielded

    const env: SessionEnv = {
      rng,
      emit(ms, ev, tag) {
        if (ms >= o.endMs) return;
        const day = Math.floor((ms - o.startMs) / DAY);
        if (day < flushed) throw new Error(`demo generator bug: event at ${ev.timestamp} after its day was emitted`);
        let list = pending.get(day);
        if (!list) pending.set(day, (list = []));
        list.push({ ms, seq: seq++, ev, tag });
      },
      paymentOutage: (ms) => ms >= outageStart && ms < outageEnd,
    };

    const visit = (p: Person, startMs: number, channel: Channel, campaign?: string) => {
      const start = Math.max(startMs, p.busyUntilMs);
      if (start > o.endMs - END_MARGIN) return;
      const out = new SessionSim(env, p, start, channel, campaign).run();
      p.sessions++;
      p.lastSeenMs = Math.min(out.endMs, o.endMs - 1);
      p.busyUntilMs = out.endMs + 30 * MINUTE;
      const segments: Array<[Exclude<ChurnCause, "none">, number]> = [["baseline", churnHazards.baseline]];
      if (out.failedSearch) segments.push(["failed_search", churnHazards.failed_search]);
      if (out.priceShock) segments.push(["price_shock", churnHazards.price_shock]);
      if (p.ua.bad) segments.push(["bad_device", churnHazards.bad_device]);
      let u = rng.next();
      for (const [cause, h] of segments) {
        if (u < h) {
          p.churn = cause;
          p.churnedAtMs = p.lastSeenMs;
          return;
        }
        u -= h;
      }
    };

    /** A visit start on UTC day `dayStart` at a local time of the person's zone. */
    const localTime = (p: Person, dayStart: number) =>
      dayStart + rng.weightedIndex(hourWeights) * HOUR + Math.floor(rng.next() * HOUR) - zoneOffset(p.zone, dayStart + 12 * HOUR);

    const flush = (day: number): DemoDayChunk => {
      const list = pending.get(day) ?? [];
      pending.delete(day);
      list.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
      const events = new Array<NativeCaptureEvent>(list.length);
      for (let i = 0; i < list.length; i++) {
        const x = list[i] as Pending;
        summary.add(x.ms, x.ev, x.tag);
        events[i] = x.ev;
      }
      flushed = day + 1;
      return { day, date: isoDay(o.startMs + day * DAY), events };
    };

    for (let g = 0; g < o.days; g++) {
      const dayStart = o.startMs + g * DAY;
      const d = new Date(dayStart);
      const factor = (weekdayVisits[d.getUTCDay()] as number) * (monthVisits[d.getUTCMonth()] as number);

      if (spike && g === Math.floor((spike.sendMs - o.startMs) / DAY)) {
        for (const p of active) {
          if (p.churn !== "none" || !p.identified || !rng.chance(0.75)) continue;
          visit(p, spike.sendMs + Math.round(Math.min(10 * HOUR, rng.exponential(2 * HOUR))), "newsletter", "flash-sale");
        }
      }

      for (const p of active) {
        const k = rng.poisson(p.visitRate * factor);
        if (k === 0) continue;
        const starts = Array.from({ length: k }, () => localTime(p, dayStart)).sort((a, b) => a - b);
        for (const s of starts) {
          if (p.churn !== "none") break;
          visit(p, s, returningChannel(rng, p));
        }
      }

      while (nextArrival < arrivals.length && arrivals[nextArrival] === g) {
        const p = createPerson(rng, nextArrival, dayStart);
        let first = localTime(p, dayStart);
        if (first < o.startMs) first = o.startMs + rng.int(0, 180) * MINUTE;
        if (first > o.endMs - END_MARGIN) first = dayStart + Math.floor(rng.next() * (o.endMs - END_MARGIN - dayStart));
        p.firstSeenMs = first;
        p.lastSeenMs = first;
        persons.push(p);
        active.push(p);
        visit(p, first, p.channel);
        nextArrival++;
      }

      active = active.filter((p) => p.churn === "none");
      if (g >= 1) yield flush(g - 1);
    }
    yield flush(o.days - 1);
    if (pending.size > 0 && [...pending.keys()].some((k) => k < o.days)) throw new Error("demo generator bug: events left behind");

    const anomalies: DemoAnomaly[] = [];
    if (spike) {
      const { sendMs: _sendMs, ...rest } = spike;
      anomalies.push(rest);
    }
    if (outage) anomalies.push(outage);
    this.lastSummary = summary.finish(persons, anomalies);
  }
}

/**
 * The deterministic demo data set: `for (const e of generateDemo({ seed: 1 }))` reads every event
 * in timestamp order; `.days()` the same as sorted UTC-day chunks; `.summary` after a full pass.
 */
export function generateDemo(options: DemoOptions): DemoRun {
  return new DemoRun(options);
}
