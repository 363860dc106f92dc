import { BASE_COLUMNS, CABINS, COL, dot, featureRow, KNOTS, type PriceObservation } from "./features";
import { NormalEquations, type Penalty } from "./ridge";

/**
 * One fitted price model: a penalised regression of log(cheapest price) on cabin, round trip,
 * days to departure (a smooth curve), weekday of departure and of purchase, month of departure
 * and, for models pooled over several routes, a per-route level (shrunk towards the group's).
 */
export type RungKind = "route" | "airport" | "global";

export interface RungModel {
  kind: RungKind;
  /** "LHR-JFK" for a route, "LHR" for an airport, "*" for the global model. */
  key: string;
  n: number;
  coef: number[];
  /** Pooled models: route keys in column order (column COL.route + i). */
  routes: string[];
  /** Spread of the fitted route levels (log scale): the extra uncertainty for an unseen route. */
  routeEffectSd: number;
  /** In-sample RMS of the log residuals. */
  residualSd: number;
}

/** Penalty strengths in units of observations (chosen once, see ADR 0020). */
export const PENALTY = {
  /** How strongly a route or airport model is held to its parent's coefficients. */
  parent: 20,
  /** Weak ridge on categorical effects: a level needs a few observations to move. */
  categorical: 1,
  /**
   * Shrinks a sparse route's level towards its group's. Route levels differ a lot (log SD about
   * 0.7 on the demo) against search noise of about 0.13, so the Bayes ridge sigma^2/tau^2 is
   * about 0.04: a weak pull. 3 and 1 cost a third of the accuracy on small data (ADR 0020).
   */
  route: 0.1,
  /** Smoothness of the days-out curve: weight / knot spacing on each adjacent difference. */
  daysOutSmooth: 4,
  /** Keeps the (intercept-collinear) hat basis identified. */
  tiny: 1e-4,
} as const;

export const routeKey = (origin: string, destination: string) => `${origin}-${destination}`;

function penaltyFor(p: number, prior: Float64Array | undefined): Penalty {
  const ridge = new Float64Array(p).fill(prior ? PENALTY.parent : PENALTY.categorical);
  ridge[COL.intercept] = prior ? PENALTY.route : 0;
  if (!prior) for (let k = 0; k < KNOTS.length; k++) ridge[COL.daysOut + k] = PENALTY.tiny;
  for (let c = COL.route; c < p; c++) ridge[c] = PENALTY.route;
  const differences = [];
  for (let k = 0; k + 1 < KNOTS.length; k++) {
    differences.push({ i: COL.daysOut + k, j: COL.daysOut + k + 1, weight: PENALTY.daysOutSmooth / (KNOTS[k + 1]! - KNOTS[k]!) });
  }
  return { ridge, differences, prior };
}

/**
 * The parent's coefficients laid out in a child's columns: shape effects as they are, a pooled
 * child's route levels from the parent's, and a single route's level as the parent's intercept
 * plus its level for that route (0 when the parent never saw it).
 */
function priorFrom(parent: RungModel, kind: RungKind, key: string, routes: string[]): Float64Array {
  const prior = new Float64Array(BASE_COLUMNS + routes.length);
  for (let c = 0; c < BASE_COLUMNS; c++) prior[c] = parent.coef[c]!;
  const parentLevel = (route: string) => {
    const i = parent.routes.indexOf(route);
    return i >= 0 ? parent.coef[COL.route + i]! : 0;
  };
  if (kind === "route") prior[COL.intercept] = parent.coef[COL.intercept]! + parentLevel(key);
  else routes.forEach((r, i) => (prior[COL.route + i] = parentLevel(r)));
  return prior;
}

/** Fits one rung; with a parent, every coefficient is shrunk towards the parent's instead of zero. */
export function fitRung(obs: readonly PriceObservation[], kind: RungKind, key: string, parent?: RungModel): RungModel {
  const pooled = kind !== "route";
  const routes = pooled ? [...new Set(obs.map((o) => routeKey(o.origin, o.destination)))].sort() : [];
  const routeCol = new Map(routes.map((r, i) => [r, COL.route + i]));
  const p = BASE_COLUMNS + routes.length;
  const ne = new NormalEquations(p);
  const rows = obs.map((o) => {
    const row = featureRow({ ...o, routeColumn: pooled ? routeCol.get(routeKey(o.origin, o.destination))! : -1 });
    ne.add(row, Math.log(o.price));
    return row;
  });
  const coef = ne.solve(penaltyFor(p, parent ? priorFrom(parent, kind, key, routes) : undefined));
  let ss = 0;
  rows.forEach((row, i) => (ss += (Math.log(obs[i]!.price) - dot(coef, row)) ** 2));
  const effects = routes.map((_, i) => coef[COL.route + i]!);
  const mean = effects.reduce((a, b) => a + b, 0) / Math.max(1, effects.length);
  const routeEffectSd = effects.length > 1 ? Math.sqrt(effects.reduce((a, b) => a + (b - mean) ** 2, 0) / (effects.length - 1)) : 0;
  return { kind, key, n: obs.length, coef: Array.from(coef), routes, routeEffectSd, residualSd: Math.sqrt(ss / Math.max(1, obs.length)) };
}

export interface PriceQuery {
  origin: string;
  destination: string;
  cabin: (typeof CABINS)[number];
  roundTrip: boolean;
  departDay: number;
  purchaseDay: number;
}

/** Median log price of a query under one model; `routeSeen` false when a pooled model lacks the route. */
export function predictLog(model: RungModel, q: PriceQuery, routeIndex?: Map<string, number>): { logPrice: number; routeSeen: boolean } {
  let routeColumn = -1;
  let routeSeen = model.kind === "route";
  if (model.kind !== "route") {
    const i = routeIndex ? routeIndex.get(routeKey(q.origin, q.destination)) : model.routes.indexOf(routeKey(q.origin, q.destination));
    if (i !== undefined && i >= 0) {
      routeColumn = COL.route + i;
      routeSeen = true;
    }
  }
  return { logPrice: dot(model.coef, featureRow({ ...q, routeColumn })), routeSeen };
}
