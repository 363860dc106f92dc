import { z } from "zod";
import { baseQuery, breakdown, eventSelector, interval, LIMITS } from "./common";

export const trendsMath = z.enum([
  "total",
  "unique_persons",
  "sessions",
  "sum",
  "avg",
  "median",
  "p90",
  "p99",
  "min",
  "max",
  "dau",
  "wau",
  "mau",
]);
export type TrendsMath = z.infer<typeof trendsMath>;
export const PROPERTY_MATHS = new Set<TrendsMath>(["sum", "avg", "median", "p90", "p99", "min", "max"]);
/** Counts of distinct persons or sessions: their total over a range is not the sum of their buckets. */
export const DISTINCT_MATHS = new Set<TrendsMath>(["unique_persons", "sessions"]);

export const trendsSeries = eventSelector
  .extend({
    math: trendsMath.default("total"),
    /** The numeric event property aggregated by sum/avg/median/p90/p99/min/max. */
    mathProperty: z.string().min(1).max(400).optional(),
  })
  .refine((s) => !PROPERTY_MATHS.has(s.math) || !!s.mathProperty, {
    message: "mathProperty is required for sum, avg, median, p90, p99, min and max",
    path: ["mathProperty"],
  });

/** Series are named A, B, C ... in order; a formula combines them: `A/B`, `(A-B)/A*100`. */
export const formula = z
  .string()
  .max(200)
  .regex(/^[A-J0-9+\-*/().\s]+$/, "formula may use series letters A-J, numbers, + - * / and parentheses");

export const trendsQuery = z
  .object({
    kind: z.literal("trends"),
    series: z.array(trendsSeries).min(1).max(LIMITS.series),
    formula: formula.optional(),
    interval: interval.default("day"),
    /** Also compute the same range shifted back by its own length. */
    compare: z.boolean().default(false),
    cumulative: z.boolean().default(false),
    breakdown: breakdown.optional(),
    display: z.enum(["line", "bar", "area", "number", "table"]).default("line"),
    ...baseQuery,
  })
  .strict();
export type TrendsQuery = z.infer<typeof trendsQuery>;

export interface TrendsSeriesResult {
  /** Series letter (A, B ...) or "formula". */
  key: string;
  label: string;
  breakdownValue: string | null;
  period: "current" | "previous";
  /** One value per bucket of `buckets`. */
  data: number[];
  /**
   * Event counts: the sum over buckets. Active-user and property maths: the same math over the
   * whole range. Unique persons and sessions: the distinct count over the whole range when the
   * display shows totals ("number", "table"); for the time-series displays, which show no total,
   * the cheaper sum over buckets, and then `totalIsSum` says so (a person active in two buckets
   * counts twice in it).
   */
  total: number;
  totalIsSum?: true;
}

/** Whether a series' total is the sum over buckets of a distinct count: the time-series displays, which show no total (see TrendsSeriesResult.total). */
export function totalIsBucketSum(q: Pick<TrendsQuery, "display">, math: TrendsMath): boolean {
  return DISTINCT_MATHS.has(math) && q.display !== "number" && q.display !== "table";
}

export interface TrendsResult {
  /** Bucket starts, ISO date-times in the project timezone's offset. */
  buckets: string[];
  series: TrendsSeriesResult[];
}
