import { enrich } from "../../../server/ingest/enrich/enrich";
import type { IngestRow } from "../../../server/ingest/ingest-row";
import { isProblem, normalizeEvent } from "../../../server/ingest/normalize";
import { uuidFromName, uuidv7 } from "../../../server/ingest/uuid";
import { mulberry32 as prng } from "../../../ml/prng";

/** What a travel site's posthog-js would send: one event in the capture wire format. */
export interface WireEvent {
  event: string;
  distinct_id: string;
  uuid: string;
  timestamp: string;
  properties: Record<string, unknown>;
  $set?: Record<string, unknown>;
}

/** The user agents the load generator sends (one per request, as a server-side forwarder would). */
export const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
];


const HOST = "www.wanderly.travel";
const CITIES = ["paris", "lisbon", "rome", "barcelona", "new-york", "tokyo", "bangkok", "london", "berlin", "reykjavik", "cancun", "bali"];
const AIRPORTS = ["CDG", "LIS", "FCO", "BCN", "JFK", "HND", "BKK", "LHR", "BER", "KEF", "CUN", "DPS", "AMS", "MAD"];
const REFERRERS = ["$direct", "https://www.google.com/", "https://www.bing.com/", "https://www.facebook.com/", "https://duckduckgo.com/", "https://t.co/abc"];
const CAMPAIGNS: Array<string | null> = [null, null, null, "utm_source=google&utm_medium=cpc&utm_campaign=summer_sale", "utm_source=newsletter&utm_medium=email&utm_campaign=weekly_deals"];
const DEVICES = [
  { $browser: "Chrome", $os: "Windows", $device_type: "Desktop", $screen_width: 1920 },
  { $browser: "Safari", $os: "Mac OS X", $device_type: "Desktop", $screen_width: 1512 },
  { $browser: "Mobile Safari", $os: "iOS", $device_type: "Mobile", $screen_width: 393 },
  { $browser: "Chrome", $os: "Android", $device_type: "Mobile", $screen_width: 412 },
  { $browser: "Firefox", $os: "Linux", $device_type: "Desktop", $screen_width: 2560 },
];
/** Event mix, weights in percent. */
const MIX: Array<[string, number]> = [
  ["$pageview", 38], ["$autocapture", 10], ["search_flights", 9], ["search_hotels", 8], ["view_hotel", 12],
  ["view_flight", 8], ["add_to_cart", 6], ["begin_checkout", 4], ["booking_completed", 2], ["newsletter_subscribed", 2], ["signed_up", 1],
];

interface User {
  id: string;
  device: (typeof DEVICES)[number];
  referrer: string;
  campaign: string | null;
}

export interface GeneratedEvents {
  /** HTTP bodies, one per batch, ready to POST. */
  bodies: Buffer[];
  /** Number of events in each body. */
  sizes: number[];
  events: number;
  distinctIds: number;
  /** Mean JSON bytes per event on the wire. */
  bytesPerEvent: number;
}

/**
 * `n` events from `users` visitors spread over the last 24 hours in time order (as live traffic
 * arrives), ~10-15 properties each. Calls `onEvent` with each wire event and its batch's user agent so
 * the caller can derive what the server would store, without keeping every object alive.
 */
export function generateEvents(
  opts: { n: number; users: number; batch: number; apiKey: string; seed: number; now: number },
  onEvent: (e: WireEvent, userAgent: string) => void,
): GeneratedEvents {
  const rnd = prng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const users: User[] = Array.from({ length: opts.users }, (_, i) => ({
    id: uuidFromName("bench-visitor", String(opts.seed), String(i)),
    device: pick(DEVICES),
    referrer: pick(REFERRERS),
    campaign: pick(CAMPAIGNS),
  }));
  const totalWeight = MIX.reduce((s, [, w]) => s + w, 0);
  const eventName = () => {
    let r = rnd() * totalWeight;
    for (const [name, w] of MIX) if ((r -= w) < 0) return name;
    return "$pageview";
  };

  const start = opts.now - 24 * 3600 * 1000;
  const step = (24 * 3600 * 1000 - 120_000) / opts.n;
  const bodies: Buffer[] = [];
  const sizes: number[] = [];
  let bytes = 0;
  for (let first = 0; first < opts.n; first += opts.batch) {
    const count = Math.min(opts.batch, opts.n - first);
    const ua = USER_AGENTS[(first / opts.batch) % USER_AGENTS.length]!;
    const batch: WireEvent[] = [];
    for (let i = first; i < first + count; i++) {
      // Skewed activity: a few visitors send many events, most send a handful.
      const user = users[Math.floor(rnd() ** 2 * users.length)]!;
      const ms = Math.round(start + i * step + rnd() * 60_000);
      const e = travelEvent(eventName(), user, ms, rnd, pick);
      batch.push(e);
      onEvent(e, ua);
    }
    const body = Buffer.from(JSON.stringify({ api_key: opts.apiKey, batch }));
    bytes += body.length;
    bodies.push(body);
    sizes.push(count);
  }
  return { bodies, sizes, events: opts.n, distinctIds: new Set(users.map((u) => u.id)).size, bytesPerEvent: bytes / opts.n };
}

function travelEvent(name: string, user: User, ms: number, rnd: () => number, pick: <T>(xs: readonly T[]) => T): WireEvent {
  const city = pick(CITIES);
  const path = name.includes("flight") ? `/flights/${pick(AIRPORTS).toLowerCase()}-${pick(AIRPORTS).toLowerCase()}` : `/hotels/${city}`;
  const landing = user.campaign && rnd() < 0.3 ? `?${user.campaign}` : "";
  const props: Record<string, unknown> = {
    $current_url: `https://${HOST}${path}${landing}`,
    $host: HOST,
    $pathname: path,
    $referrer: user.referrer,
    ...user.device,
    $lib: "web",
    $session_id: uuidFromName("bench-session", user.id, String(Math.floor(ms / 1_800_000))),
  };
  const checkIn = new Date(ms + Math.floor(rnd() * 90 + 3) * 86_400_000).toISOString().slice(0, 10);
  const price = Math.round((40 + rnd() * 460) * 100) / 100;
  let $set: Record<string, unknown> | undefined;
  switch (name) {
    case "search_flights":
      Object.assign(props, { origin: pick(AIRPORTS), destination: pick(AIRPORTS), depart_date: checkIn, passengers: 1 + Math.floor(rnd() * 4), cabin: pick(["economy", "premium", "business"]) });
      break;
    case "search_hotels":
      Object.assign(props, { destination: city, check_in: checkIn, nights: 1 + Math.floor(rnd() * 10), guests: 1 + Math.floor(rnd() * 4) });
      break;
    case "view_hotel":
      Object.assign(props, { hotel_id: `h_${Math.floor(rnd() * 5000)}`, destination: city, stars: 2 + Math.floor(rnd() * 4), price_per_night: price, currency: "EUR" });
      break;
    case "view_flight":
      Object.assign(props, { flight_id: `f_${Math.floor(rnd() * 20000)}`, carrier: pick(["TP", "AF", "LH", "BA", "UA"]), price, currency: "EUR" });
      break;
    case "add_to_cart":
    case "begin_checkout":
      Object.assign(props, { item_type: pick(["hotel", "flight"]), price, currency: "EUR", cart_items: 1 + Math.floor(rnd() * 3) });
      break;
    case "booking_completed":
      Object.assign(props, { booking_id: `b_${Math.floor(rnd() * 1e9)}`, revenue: price * (1 + Math.floor(rnd() * 5)), currency: "EUR", payment_method: pick(["card", "paypal", "apple_pay"]) });
      $set = { last_booking_at: new Date(ms).toISOString(), bookings_tier: pick(["bronze", "silver", "gold"]) };
      break;
    case "$autocapture":
      Object.assign(props, { $event_type: "click", $el_text: pick(["Search", "Book now", "See rooms", "Sign in"]) });
      break;
    case "newsletter_subscribed":
      Object.assign(props, { source: pick(["footer", "popup", "checkout"]) });
      break;
    case "signed_up":
      $set = { email: `${user.id.slice(0, 8)}@example.com`, plan: "free", signup_source: pick(["google", "email"]) };
      break;
  }
  return { event: name, distinct_id: user.id, uuid: uuidv7(ms), timestamp: new Date(ms).toISOString(), properties: props, ...($set ? { $set } : {}) };
}

function revenueOf(props: Record<string, unknown>): number | null {
  const v = props.revenue ?? props.$revenue;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) && Math.abs(n) < 1e14 ? Math.round(n * 10_000) / 10_000 : null;
}

/**
 * The row the server stores for `e` when it arrives from 127.0.0.1 with `userAgent`, through the
 * server's own normalize and enrich code (the project's default ip_mode is `truncate`).
 */
export function storedRow(e: WireEvent, userAgent: string, project: { id: string; ipMode: "keep" | "truncate" | "drop" }): IngestRow {
  const ev = normalizeEvent(e, 0, { projectId: project.id, receivedAt: Date.now(), sentAt: null, ip: "127.0.0.1", userAgent });
  if (isProblem(ev)) throw new Error(`generated an invalid event: ${ev.field} ${ev.problem}`);
  const session = ev.properties.$session_id;
  return {
    projectId: project.id,
    uuid: ev.uuid,
    event: ev.event,
    ts: ev.timestamp.getTime(),
    distinctId: ev.distinctId,
    sessionId: typeof session === "string" ? session.slice(0, 200) : null,
    fields: enrich(ev, { ipMode: project.ipMode }),
    revenue: revenueOf(ev.properties),
    properties: ev.properties,
    set: ev.set,
    setOnce: ev.setOnce,
  };
}
