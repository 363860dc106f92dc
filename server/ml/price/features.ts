/**
 * The columns of a price model: log(cheapest price) is additive in these effects. A row is
 * sparse (about ten non-zero entries), so models are fitted by accumulating X'X directly.
 *
 *   intercept | cabin (3, economy = 0) | round trip | days out (hat basis on KNOTS) |
 *   weekday of departure (7) | weekday of purchase (7) | month of departure (12) | route (R, pooled models)
 */
import type { CabinClass } from "../../ingest/domain-events";

/** Knots of the days-to-departure curve: daily where fares move fast, sparser far out. */
export const KNOTS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 11, 14, 17, 21, 25, 30, 35, 40, 45, 50, 55, 58, 60, 62, 65, 70, 80, 90, 105, 120, 150, 180, 240, 330] as const;
export const MAX_DAYS_OUT = KNOTS[KNOTS.length - 1]!;

export const CABINS: readonly CabinClass[] = ["economy", "premium_economy", "business", "first"];

export const COL = {
  intercept: 0,
  cabin: 1, // 3 columns: premium_economy, business, first
  roundTrip: 4,
  daysOut: 5, // KNOTS.length columns
  departWeekday: 5 + KNOTS.length,
  purchaseWeekday: 5 + KNOTS.length + 7,
  departMonth: 5 + KNOTS.length + 14,
  route: 5 + KNOTS.length + 26,
} as const;
export const BASE_COLUMNS = COL.route;

/** One search, reduced to what the model reads. Days are whole UTC days since 1970-01-01. */
export interface PriceObservation {
  origin: string;
  destination: string;
  cabin: CabinClass;
  roundTrip: boolean;
  departDay: number;
  purchaseDay: number;
  price: number;
}

export const DAY_MS = 86_400_000;
export const dayOf = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
export const isoOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** 0 = Sunday, as Date.getUTCDay. 1970-01-01 was a Thursday. */
export const weekdayOf = (day: number) => (((day + 4) % 7) + 7) % 7;
export const monthOf = (day: number) => new Date(day * DAY_MS).getUTCMonth();

export interface SparseRow {
  idx: number[];
  val: number[];
}

/** The hat-function weights of `daysOut` on the two knots around it. */
export function knotWeights(daysOut: number): [number, number, number, number] {
  const x = Math.max(0, Math.min(MAX_DAYS_OUT, daysOut));
  let k = 0;
  while (k < KNOTS.length - 2 && KNOTS[k + 1]! <= x) k++;
  const lo = KNOTS[k]!;
  const hi = KNOTS[k + 1]!;
  const w = (x - lo) / (hi - lo);
  return [k, 1 - w, k + 1, w];
}

export interface RowQuery {
  cabin: CabinClass;
  roundTrip: boolean;
  departDay: number;
  purchaseDay: number;
  /** Column of the route in a pooled model, or -1 (route unseen or a single-route model). */
  routeColumn: number;
}

export function featureRow(q: RowQuery): SparseRow {
  const idx: number[] = [COL.intercept];
  const val: number[] = [1];
  const cabin = CABINS.indexOf(q.cabin);
  if (cabin > 0) (idx.push(COL.cabin + cabin - 1), val.push(1));
  if (q.roundTrip) (idx.push(COL.roundTrip), val.push(1));
  const [k0, w0, k1, w1] = knotWeights(q.departDay - q.purchaseDay);
  if (w0 > 0) (idx.push(COL.daysOut + k0), val.push(w0));
  if (w1 > 0) (idx.push(COL.daysOut + k1), val.push(w1));
  idx.push(COL.departWeekday + weekdayOf(q.departDay), COL.purchaseWeekday + weekdayOf(q.purchaseDay), COL.departMonth + monthOf(q.departDay));
  val.push(1, 1, 1);
  if (q.routeColumn >= 0) (idx.push(q.routeColumn), val.push(1));
  return { idx, val };
}

export function dot(coef: ArrayLike<number>, row: SparseRow): number {
  let s = 0;
  for (let i = 0; i < row.idx.length; i++) s += coef[row.idx[i]!]! * row.val[i]!;
  return s;
}
