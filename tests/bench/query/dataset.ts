/**
 * The query benchmark's data: a travel site's events over `days` days for `persons` persons,
 * generated from a seed (every run makes the same rows), held in typed arrays in time order.
 *
 * Each person has a home country, a device and a browser; their events come in sessions
 * (up to 30 events, 2 s to 2 min apart, all inside the range) that walk a booking funnel:
 * $pageview -> search -> flight_selected -> checkout_started -> payment_submitted ->
 * booking_completed, with drop-offs, repeats and returns to browsing. Activity is skewed (a few
 * persons have thousands of events, most have a handful). Some sessions happen abroad (another
 * country). No two events of one person share a timestamp (millisecond resolution), so ordered
 * funnels cannot diverge between engines on ties. No person merges.
 */
import { mulberry32 } from "../../../ml/prng";

export const EVENTS = ["$pageview", "search", "flight_selected", "checkout_started", "payment_submitted", "booking_completed"] as const;
export const E = { pageview: 0, search: 1, flight: 2, checkout: 3, payment: 4, booking: 5 } as const;

/** Home countries with their share of persons (%), skewed as a European travel site's traffic. */
export const COUNTRIES: Array<[string, number]> = [
  ["US", 20], ["GB", 12], ["DE", 10], ["FR", 9], ["ES", 7], ["IT", 6], ["NL", 4], ["CA", 4], ["PT", 3], ["BR", 3],
  ["IN", 3], ["AU", 3], ["JP", 2], ["SE", 2], ["CH", 2], ["MX", 2], ["PL", 2], ["IE", 1.5], ["BE", 1.5], ["AT", 1],
  ["DK", 1], ["NO", 1], ["TH", 0.5], ["AR", 0.5],
];
export const DEVICES = [
  { device: "Desktop", browser: "Chrome", browserVersion: "126", os: "Windows", osVersion: "10", share: 34 },
  { device: "Desktop", browser: "Safari", browserVersion: "17.5", os: "Mac OS X", osVersion: "10.15.7", share: 12 },
  { device: "Desktop", browser: "Firefox", browserVersion: "127", os: "Linux", osVersion: "", share: 4 },
  { device: "Mobile", browser: "Mobile Safari", browserVersion: "17.5", os: "iOS", osVersion: "17.5", share: 24 },
  { device: "Mobile", browser: "Chrome", browserVersion: "126", os: "Android", osVersion: "14", share: 22 },
  { device: "Tablet", browser: "Mobile Safari", browserVersion: "17.5", os: "iOS", osVersion: "17.5", share: 4 },
] as const;
export const AIRPORTS = ["CDG", "LIS", "FCO", "BCN", "JFK", "HND", "BKK", "LHR", "BER", "KEF", "CUN", "DPS", "AMS", "MAD", "GRU", "SYD"];

/** Next event of a session after `prev`: [event, cumulative probability] rows. */
const NEXT: Array<Array<[number, number]>> = [
  /* $pageview */ [[E.search, 0.5], [E.pageview, 1]],
  /* search */ [[E.search, 0.3], [E.flight, 0.65], [E.pageview, 1]],
  /* flight_selected */ [[E.checkout, 0.3], [E.search, 0.6], [E.pageview, 1]],
  /* checkout_started */ [[E.payment, 0.55], [E.pageview, 1]],
  /* payment_submitted */ [[E.booking, 0.8], [E.checkout, 1]],
  /* booking_completed */ [[E.pageview, 1]],
];

export interface Dataset {
  seed: number;
  /** Inclusive start and exclusive end of the data (epoch ms, UTC midnight). */
  from: number;
  to: number;
  days: number;
  length: number;
  /** Rows in time order (ties between different persons broken by person, then generation order). */
  ts: Float64Array;
  person: Int32Array;
  event: Uint8Array;
  /** Index into COUNTRIES. */
  country: Uint8Array;
  /** Session start (epoch ms) per row; with `person` it names the session. */
  sessionStart: Float64Array;
  /** Revenue in cents on booking_completed, else 0. */
  revenueCents: Int32Array;
  /** Departure airport index (search, flight_selected) for the properties; 0 otherwise. */
  airport: Uint8Array;
  personCount: number;
  /** Per person: index into DEVICES, and the uuids of the person and of its one distinct id. */
  personDevice: Uint8Array;
  personIds: string[];
  distinctIds: string[];
}


const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** A version-4-shaped uuid from the PRNG. */
export function randomUuid(rnd: () => number): string {
  const b = new Array<string>(16);
  for (let i = 0; i < 16; i++) b[i] = HEX[Math.floor(rnd() * 256)]!;
  b[6] = HEX[(parseInt(b[6]!, 16) & 0x0f) | 0x40]!;
  b[8] = HEX[(parseInt(b[8]!, 16) & 0x3f) | 0x80]!;
  return `${b[0]}${b[1]}${b[2]}${b[3]}-${b[4]}${b[5]}-${b[6]}${b[7]}-${b[8]}${b[9]}-${b[10]}${b[11]}${b[12]}${b[13]}${b[14]}${b[15]}`;
}

function weighted<T>(rows: ReadonlyArray<T>, weight: (r: T) => number): (u: number) => number {
  const total = rows.reduce((s, r) => s + weight(r), 0);
  const cum: number[] = [];
  let acc = 0;
  for (const r of rows) cum.push((acc += weight(r) / total));
  return (u) => {
    for (let i = 0; i < cum.length; i++) if (u < cum[i]!) return i;
    return cum.length - 1;
  };
}

const DAY = 86_400_000;
const MAX_SESSION_EVENTS = 30;

/** Hour-of-day weights (UTC): quiet nights, busy evenings. */
const HOURS = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 3.5, 3.5, 4, 4, 3.5, 3.5, 3.5, 4, 4.5, 5, 5, 4.5, 3, 2];

export function generateDataset(opts: { events: number; persons: number; days: number; seed: number; from: number }): Dataset {
  const { events: N, persons: P, days, seed, from } = opts;
  if (N < P) throw new Error("--events must be at least --persons (every person has an event)");
  const rnd = mulberry32(seed);
  const to = from + days * DAY;
  const pickCountry = weighted(COUNTRIES, (c) => c[1]);
  const pickDevice = weighted(DEVICES, (d) => d.share);
  const pickHour = weighted(HOURS, (h) => h);

  // Persons and how many events each has: one each, the rest skewed (rnd^2 picks low indexes often).
  const personIds: string[] = new Array(P);
  const distinctIds: string[] = new Array(P);
  const personDevice = new Uint8Array(P);
  const homeCountry = new Uint8Array(P);
  const counts = new Int32Array(P).fill(1);
  for (let p = 0; p < P; p++) {
    personIds[p] = randomUuid(rnd);
    distinctIds[p] = randomUuid(rnd);
    personDevice[p] = pickDevice(rnd());
    homeCountry[p] = pickCountry(rnd());
  }
  for (let i = P; i < N; i++) {
    const k = Math.floor(rnd() ** 2 * P);
    counts[k] = counts[k]! + 1;
  }

  // Person-major generation, then a bucket sort into time order.
  const ts = new Float64Array(N);
  const person = new Int32Array(N);
  const event = new Uint8Array(N);
  const country = new Uint8Array(N);
  const sessionStart = new Float64Array(N);
  const revenueCents = new Int32Array(N);
  const airport = new Uint8Array(N);
  // The last hour of the range stays empty so a session never runs past the end.
  const span = days * DAY - 3_600_000;
  let row = 0;
  const starts: number[] = [];
  for (let p = 0; p < P; p++) {
    let left = counts[p]!;
    // Sessions of 1 .. 30 events (mean about 6).
    const sizes: number[] = [];
    while (left > 0) {
      const size = Math.min(left, MAX_SESSION_EVENTS, 1 + Math.floor(-Math.log(1 - rnd()) * 5));
      sizes.push(size);
      left -= size;
    }
    starts.length = 0;
    for (let s = 0; s < sizes.length; s++) {
      const day = Math.floor(rnd() * days);
      const hour = pickHour(rnd());
      starts.push(Math.min(from + span - 1, from + day * DAY + hour * 3_600_000 + Math.floor(rnd() * 3_600_000)));
    }
    starts.sort((a, b) => a - b);
    let last = -Infinity;
    for (let s = 0; s < sizes.length; s++) {
      // Sessions of one person never overlap and never share a millisecond.
      let t = Math.max(starts[s]!, last + 1);
      const start = t;
      const abroad = rnd() < 0.05;
      const c = abroad ? pickCountry(rnd()) : homeCountry[p]!;
      let ev: number = E.pageview;
      for (let k = 0; k < sizes[s]!; k++) {
        if (k > 0) {
          t += 2_000 + Math.floor(rnd() * 118_000);
          const u = rnd();
          const nexts = NEXT[ev]!;
          ev = nexts.find((x) => u < x[1])![0];
        }
        ts[row] = t;
        person[row] = p;
        event[row] = ev;
        country[row] = c;
        sessionStart[row] = start;
        if (ev === E.booking) revenueCents[row] = 8_000 + Math.floor(rnd() * 192_000);
        if (ev === E.search || ev === E.flight) airport[row] = Math.floor(rnd() * AIRPORTS.length);
        row++;
      }
      last = t;
    }
  }
  if (last(ts, row) >= to) throw new Error("generated an event past the end of the range");

  // Bucket sort by minute, then order within each bucket by (ts, person).
  const minutes = Math.ceil((to - from) / 60_000) + 1;
  const bucketStart = new Int32Array(minutes + 1);
  for (let i = 0; i < N; i++) {
    const m = Math.floor((ts[i]! - from) / 60_000) + 1;
    bucketStart[m] = bucketStart[m]! + 1;
  }
  for (let m = 0; m < minutes; m++) bucketStart[m + 1]! += bucketStart[m]!;
  const fill = bucketStart.slice();
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[fill[Math.floor((ts[i]! - from) / 60_000)]!++] = i;
  for (let m = 0; m < minutes; m++) {
    const a = bucketStart[m]!;
    const b = bucketStart[m + 1]!;
    if (b - a > 1) {
      const part = Array.from(order.subarray(a, b)).sort((x, y) => ts[x]! - ts[y]! || person[x]! - person[y]! || x - y);
      order.set(part, a);
    }
  }
  const permute = <T extends Float64Array | Int32Array | Uint8Array>(src: T): T => {
    const out = new (src.constructor as new (n: number) => T)(N);
    for (let i = 0; i < N; i++) out[i] = src[order[i]!]!;
    return out;
  };
  return {
    seed,
    from,
    to,
    days,
    length: N,
    ts: permute(ts),
    person: permute(person),
    event: permute(event),
    country: permute(country),
    sessionStart: permute(sessionStart),
    revenueCents: permute(revenueCents),
    airport: permute(airport),
    personCount: P,
    personDevice,
    personIds,
    distinctIds,
  };
}

function last(a: Float64Array, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (a[i]! > m) m = a[i]!;
  return m;
}

/** Counts per event name, for the output. */
export function eventMix(d: Dataset): Record<string, number> {
  const c = new Array(EVENTS.length).fill(0) as number[];
  for (let i = 0; i < d.length; i++) c[d.event[i]!]!++;
  return Object.fromEntries(EVENTS.map((e, i) => [e, c[i]!]));
}
