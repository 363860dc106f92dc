import type { CabinClass } from "../ingest/domain-events";
import type { Person } from "./persons";
import type { Rng } from "./prng";
import { cabinWeights, findRoute, marketPrice, routes, routesFrom, typicalPrice, type Airport, type Route } from "./routes";
import { DAY, isoDay, utcMidnight } from "./time";
import { weightedPick } from "./world";

/** One simulated flight search: what was asked and what the market answered. */
export interface SearchDraw {
  route: Route;
  origin: Airport;
  destination: Airport;
  departDate: string;
  returnDate?: string;
  daysOut: number;
  passengers: number;
  cabin: CabinClass;
  resultsCount: number;
  cheapest?: number;
  avg?: number;
  max?: number;
  durationMs: number;
  /** cheapest / typical price for the route and cabin. */
  priceRatio?: number;
}

export const PRICE_SHOCK_THRESHOLD = 1.5;

const passengerWeights: ReadonlyArray<readonly [number, number]> = [
  [1, 0.52],
  [2, 0.3],
  [3, 0.07],
  [4, 0.08],
  [5, 0.02],
  [6, 0.01],
];

const round2 = (x: number) => Math.round(x * 100) / 100;

function pickLeg(rng: Rng, person: Person): [Airport, Airport] {
  if (person.interest && rng.chance(0.5)) {
    const [o, d] = person.interest.split(">") as [Airport, Airport];
    return [o, d];
  }
  let origin: Airport = person.home;
  if (rng.chance(0.12)) {
    const r = rng.pick(routes);
    origin = rng.chance(0.5) ? r.a : r.b;
  }
  const r = rng.weighted(routesFrom(origin), (x) => x.popularity);
  return [origin, r.a === origin ? r.b : r.a];
}

/**
 * Draw a search at instant `ms`. With `previous`, the user refines it (same route and party,
 * dates moved a few days) most of the time.
 */
export function drawSearch(rng: Rng, person: Person, ms: number, previous?: SearchDraw): SearchDraw {
  const refine = previous !== undefined && rng.chance(0.6);
  let origin: Airport, destination: Airport, daysOut: number, passengers: number, cabin: CabinClass;
  if (refine && previous) {
    origin = previous.origin;
    destination = previous.destination;
    daysOut = Math.max(0, previous.daysOut + rng.int(-7, 7));
    passengers = previous.passengers;
    cabin = previous.cabin;
  } else {
    [origin, destination] = pickLeg(rng, person);
    daysOut = Math.min(330, Math.round(rng.lognormal(35, 0.9)));
    passengers = weightedPick(rng, passengerWeights);
    cabin = weightedPick(rng, cabinWeights);
  }
  person.interest = `${origin}>${destination}`;
  const route = findRoute(origin, destination) as Route;
  const departMs = utcMidnight(ms) + daysOut * DAY;
  const roundTrip = previous && refine ? previous.returnDate !== undefined : rng.chance(0.72);
  const tripDays = 1 + Math.min(20, rng.poisson(route.distanceKm > 3000 ? 8 : 4));
  const base = {
    route,
    origin,
    destination,
    departDate: isoDay(departMs),
    ...(roundTrip ? { returnDate: isoDay(departMs + tripDays * DAY) } : {}),
    daysOut,
    passengers,
    cabin,
  };

  const failure = route.failureRate + (daysOut === 0 ? 0.1 : 0) + (cabin === "first" ? 0.15 : 0);
  if (rng.chance(failure)) {
    const timedOut = rng.chance(0.5);
    const durationMs = Math.round(timedOut ? rng.uniform(8000, 15000) : rng.uniform(300, 900));
    return { ...base, resultsCount: 0, durationMs };
  }

  const market = marketPrice(route, cabin, new Date(departMs), daysOut);
  const cheapest = round2(market * rng.lognormal(1, 0.07));
  const avg = round2(cheapest * rng.uniform(1.18, 1.5));
  const max = round2(avg * rng.uniform(1.3, 2.1));
  const resultsCount = 3 + rng.poisson(8 + route.popularity * 3);
  const durationMs = Math.round(rng.lognormal(1400, 0.4) + resultsCount * 15);
  return { ...base, resultsCount, cheapest, avg, max, durationMs, priceRatio: cheapest / typicalPrice(origin, destination, cabin) };
}
