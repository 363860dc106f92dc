import type { PriceObservation } from "./features";
import { fitRung, predictLog, routeKey, type PriceQuery, type RungModel } from "./model";

/**
 * The fallback ladder: a route with enough searches of its own gets its own model; otherwise the
 * model pooled over its origin airport's routes, else its destination's; else the global model
 * (pooled over every route: in effect the global days-to-departure curve and a level). `basis`
 * names the rung that answered.
 */
export type Basis = "route" | "origin" | "destination" | "global";
export const BASES: readonly Basis[] = ["route", "origin", "destination", "global"];

export interface Thresholds {
  /** Priced searches a directed route needs for a model of its own. */
  route: number;
  /** Priced searches (as origin or destination) an airport needs for a pooled model. */
  airport: number;
  /** Priced searches needed at all. */
  global: number;
}
export const DEFAULT_THRESHOLDS: Thresholds = { route: 150, airport: 300, global: 30 };

export interface ModelSet {
  global: RungModel;
  airports: Record<string, RungModel>;
  routes: Record<string, RungModel>;
  thresholds: Thresholds;
}

export class NotEnoughDataError extends Error {
  constructor(readonly n: number, readonly needed: number) {
    super(`not enough priced searches to learn prices from (${n}, need ${needed})`);
  }
}

export function fitModelSet(obs: readonly PriceObservation[], thresholds: Thresholds = DEFAULT_THRESHOLDS): ModelSet {
  if (obs.length < thresholds.global) throw new NotEnoughDataError(obs.length, thresholds.global);
  const byRoute = new Map<string, PriceObservation[]>();
  const byAirport = new Map<string, PriceObservation[]>();
  const push = (m: Map<string, PriceObservation[]>, k: string, o: PriceObservation) => {
    const list = m.get(k);
    if (list) list.push(o);
    else m.set(k, [o]);
  };
  for (const o of obs) {
    push(byRoute, routeKey(o.origin, o.destination), o);
    push(byAirport, o.origin, o);
    push(byAirport, o.destination, o);
  }
  const global = fitRung(obs, "global", "*");
  const airports: Record<string, RungModel> = {};
  for (const [k, list] of byAirport) if (list.length >= thresholds.airport) airports[k] = fitRung(list, "airport", k, global);
  const routes: Record<string, RungModel> = {};
  for (const [k, list] of byRoute) {
    if (list.length < thresholds.route) continue;
    const [o, d] = [list[0]!.origin, list[0]!.destination];
    routes[k] = fitRung(list, "route", k, airports[o] ?? airports[d] ?? global);
  }
  return { global, airports, routes, thresholds };
}

export interface Rung {
  basis: Basis;
  model: RungModel;
}

/** A model set ready to serve: route look-ups become maps. */
export class CompiledModelSet {
  private readonly indexes = new Map<RungModel, Map<string, number>>();
  constructor(readonly set: ModelSet) {
    for (const m of [set.global, ...Object.values(set.airports)]) this.indexes.set(m, new Map(m.routes.map((r, i) => [r, i])));
  }

  /** The rung that answers for a route (the ladder above); pooled models that saw the route first. */
  rung(origin: string, destination: string): Rung {
    const own = this.set.routes[routeKey(origin, destination)];
    if (own) return { basis: "route", model: own };
    const key = routeKey(origin, destination);
    const o = this.set.airports[origin];
    const d = this.set.airports[destination];
    if (o && this.indexes.get(o)!.has(key)) return { basis: "origin", model: o };
    if (d && this.indexes.get(d)!.has(key)) return { basis: "destination", model: d };
    if (o) return { basis: "origin", model: o };
    if (d) return { basis: "destination", model: d };
    return { basis: "global", model: this.set.global };
  }

  predict(rung: Rung, q: PriceQuery) {
    return predictLog(rung.model, q, this.indexes.get(rung.model));
  }
}
