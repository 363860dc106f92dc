import type { CabinClass } from "../ingest/domain-events";
import { hashUnit } from "./prng";

/**
 * The travel market of the demo: airports, routes with their typical prices, booking providers
 * and the price model (days to departure, weekday of departure, season). Fixed tables, the same
 * for every seed, so a route's typical price is a documented constant.
 */

export const airports = {
  LHR: { city: "London", lat: 51.47, lon: -0.4543 },
  LGW: { city: "London", lat: 51.148, lon: -0.19 },
  MAN: { city: "Manchester", lat: 53.354, lon: -2.275 },
  EDI: { city: "Edinburgh", lat: 55.95, lon: -3.372 },
  DUB: { city: "Dublin", lat: 53.421, lon: -6.27 },
  CDG: { city: "Paris", lat: 49.0097, lon: 2.5479 },
  AMS: { city: "Amsterdam", lat: 52.31, lon: 4.768 },
  FRA: { city: "Frankfurt", lat: 50.0379, lon: 8.5622 },
  MUC: { city: "Munich", lat: 48.3538, lon: 11.7861 },
  MAD: { city: "Madrid", lat: 40.4983, lon: -3.5676 },
  BCN: { city: "Barcelona", lat: 41.2974, lon: 2.0833 },
  FCO: { city: "Rome", lat: 41.8003, lon: 12.2389 },
  LIS: { city: "Lisbon", lat: 38.7742, lon: -9.1342 },
  ATH: { city: "Athens", lat: 37.9364, lon: 23.9445 },
  IST: { city: "Istanbul", lat: 41.2753, lon: 28.7519 },
  JFK: { city: "New York", lat: 40.6413, lon: -73.7781 },
  BOS: { city: "Boston", lat: 42.3656, lon: -71.0096 },
  LAX: { city: "Los Angeles", lat: 33.9416, lon: -118.4085 },
  MIA: { city: "Miami", lat: 25.7959, lon: -80.287 },
  DXB: { city: "Dubai", lat: 25.2532, lon: 55.3657 },
} as const;
export type Airport = keyof typeof airports;

/** Undirected routes with a popularity weight; either end can be the origin of a search. */
const routeTable: ReadonlyArray<readonly [Airport, Airport, number]> = [
  ["LHR", "JFK", 10], ["LHR", "BOS", 4], ["LHR", "LAX", 4], ["LHR", "MIA", 3], ["LHR", "DXB", 6],
  ["LHR", "CDG", 5], ["LHR", "AMS", 5], ["LHR", "FRA", 4], ["LHR", "MAD", 5], ["LHR", "BCN", 6],
  ["LHR", "FCO", 5], ["LHR", "LIS", 4], ["LHR", "ATH", 4], ["LHR", "IST", 3], ["LHR", "DUB", 6],
  ["LHR", "EDI", 5], ["LGW", "BCN", 5], ["LGW", "MAD", 3], ["LGW", "LIS", 3], ["LGW", "FCO", 3],
  ["LGW", "ATH", 4], ["MAN", "DUB", 3], ["MAN", "AMS", 3], ["MAN", "BCN", 4], ["MAN", "DXB", 3],
  ["EDI", "DUB", 2], ["EDI", "AMS", 2], ["DUB", "JFK", 4], ["DUB", "BCN", 3], ["CDG", "JFK", 6],
  ["CDG", "LAX", 2], ["CDG", "FCO", 4], ["CDG", "ATH", 3], ["AMS", "JFK", 4], ["FRA", "JFK", 5],
  ["FRA", "IST", 3], ["FRA", "DXB", 3], ["MUC", "FCO", 3], ["MUC", "ATH", 3], ["MUC", "JFK", 3],
  ["MAD", "MIA", 3], ["MAD", "LIS", 3], ["BCN", "FCO", 3], ["JFK", "LAX", 6], ["BOS", "MIA", 2],
  ["LIS", "BOS", 2],
];

export interface Route {
  /** "AAA-BBB" with the two codes in table order. */
  key: string;
  a: Airport;
  b: Airport;
  popularity: number;
  distanceKm: number;
  /** Economy price per passenger (GBP) 3-8 weeks out, off-season, mid-week: the reference level. */
  typicalPrice: number;
  /** Probability that a search on this route finds nothing. */
  failureRate: number;
  carriers: readonly string[];
}

function haversineKm(a: Airport, b: Airport): number {
  const p = airports[a];
  const q = airports[b];
  const rad = Math.PI / 180;
  const dLat = (q.lat - p.lat) * rad;
  const dLon = (q.lon - p.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

const carrierPool = ["BA", "VS", "AA", "DL", "UA", "LH", "AF", "KL", "IB", "VY", "FR", "U2", "EI", "TP", "A3", "TK", "EK", "AZ"];

export const routes: readonly Route[] = routeTable.map(([a, b, popularity]) => {
  const key = `${a}-${b}`;
  const distanceKm = Math.round(haversineKm(a, b));
  const factor = 0.85 + 0.3 * hashUnit(`${key}:price`);
  const typicalPrice = Math.round((30 + 0.09 * distanceKm ** 0.97) * factor);
  const failureRate = popularity <= 2 ? 0.12 : 0.03 + 0.04 * hashUnit(`${key}:fail`);
  const start = Math.floor(hashUnit(`${key}:carriers`) * carrierPool.length);
  const carriers = [0, 5, 11].map((o) => carrierPool[(start + o) % carrierPool.length] as string);
  return { key, a, b, popularity, distanceKm, typicalPrice, failureRate, carriers };
});

const routesByAirport = new Map<Airport, Route[]>();
const routeByPair = new Map<string, Route>();
for (const r of routes) {
  for (const end of [r.a, r.b]) routesByAirport.set(end, [...(routesByAirport.get(end) ?? []), r]);
  routeByPair.set(`${r.a}-${r.b}`, r);
  routeByPair.set(`${r.b}-${r.a}`, r);
}

export function routesFrom(airport: Airport): readonly Route[] {
  return routesByAirport.get(airport) ?? [];
}

export function findRoute(origin: string, destination: string): Route | undefined {
  return routeByPair.get(`${origin}-${destination}`);
}

export const cabinMultiplier: Readonly<Record<CabinClass, number>> = {
  economy: 1,
  premium_economy: 1.7,
  business: 3.6,
  first: 6,
};

export const cabinWeights: ReadonlyArray<readonly [CabinClass, number]> = [
  ["economy", 0.82],
  ["premium_economy", 0.09],
  ["business", 0.07],
  ["first", 0.02],
];

/** The route's typical price for a cabin: the yardstick of a "price shock" (> 1.5x of it). */
export function typicalPrice(origin: string, destination: string, cabin: CabinClass): number {
  const r = findRoute(origin, destination);
  if (!r) throw new Error(`no demo route ${origin}-${destination}`);
  return r.typicalPrice * cabinMultiplier[cabin];
}

export interface Provider {
  id: string;
  weight: number;
  /** Our commission as a share of revenue. */
  commissionRate: number;
  /** How the provider's fares compare with the market. */
  priceFactor: number;
}

export const providers: readonly Provider[] = [
  { id: "amadeus", weight: 0.25, commissionRate: 0.05, priceFactor: 1 },
  { id: "sabre", weight: 0.18, commissionRate: 0.045, priceFactor: 1.01 },
  { id: "travelport", weight: 0.14, commissionRate: 0.04, priceFactor: 1.02 },
  { id: "duffel", weight: 0.16, commissionRate: 0.06, priceFactor: 0.99 },
  { id: "kiwi", weight: 0.15, commissionRate: 0.08, priceFactor: 0.96 },
  { id: "airline_direct", weight: 0.12, commissionRate: 0.03, priceFactor: 1.03 },
];

/**
 * Days-to-departure curve: flat and lowest 3-8 weeks out, a little higher far out, rising over
 * the last three weeks and sharply in the last two (about 2.2x on the day).
 */
export function daysOutFactor(daysOut: number): number {
  if (daysOut >= 60) return Math.min(1.25, 1.04 + 0.002 * (daysOut - 60));
  if (daysOut >= 21) return 1;
  if (daysOut >= 14) return 1 + (21 - daysOut) * 0.03;
  return 1.21 + (14 - daysOut) * 0.07;
}

/** Weekday of departure (0 = Sunday): Fridays and Sundays dear, Tuesdays and Wednesdays cheap. */
export const departWeekdayFactor: readonly number[] = [1.08, 1, 0.94, 0.94, 1, 1.08, 0.97];

/** Season of departure: summer and Christmas peaks, quiet late winter and November. */
export function seasonFactor(depart: Date): number {
  const m = depart.getUTCMonth() + 1;
  const d = depart.getUTCDate();
  if ((m === 12 && d >= 18) || (m === 1 && d <= 3)) return 1.25;
  if (m === 7 || m === 8) return 1.18;
  if (m === 6) return 1.08;
  if (m === 4) return 1.05;
  if (m === 1 || m === 2 || m === 11) return 0.9;
  if (m === 12) return 0.95;
  return 1;
}

/** The market fare level (before noise) for a route, cabin, departure and days out. */
export function marketPrice(route: Route, cabin: CabinClass, depart: Date, daysOut: number): number {
  return (
    route.typicalPrice *
    cabinMultiplier[cabin] *
    daysOutFactor(daysOut) *
    (departWeekdayFactor[depart.getUTCDay()] as number) *
    seasonFactor(depart)
  );
}
