import { z } from "zod";
import { baseQuery, interval, type Interval } from "./common";
import type { Proportion } from "./funnels";

/** Dimensions revenue can be split by; each maps to a column or a fixed property in server/query/revenue-sql.ts. */
export const revenueDimension = z.enum(["provider", "route", "device", "browser", "os", "country", "utm_source", "currency"]);
export type RevenueDimension = z.infer<typeof revenueDimension>;

export const revenueReport = z.enum([
  "overview",
  "by_dimension",
  "search_to_booking",
  "ltv_by_cohort",
  "top_routes",
  "peak_hours",
  "device_share",
  "browser_share",
]);
export type RevenueReport = z.infer<typeof revenueReport>;

export const revenueQuery = z
  .object({
    kind: z.literal("revenue"),
    report: revenueReport,
    /** Buckets of overview / by_dimension / search_to_booking; the acquisition period of ltv_by_cohort (day, week or month). */
    interval: interval.default("day"),
    /** Required by by_dimension. */
    dimension: revenueDimension.optional(),
    /** Top N values (by_dimension, shares) or routes (top_routes); the rest is summed as "other". */
    limit: z.number().int().min(1).max(100).default(10),
    /** ltv_by_cohort: weeks since acquisition to report. */
    weeks: z.number().int().min(1).max(104).default(12),
    ...baseQuery,
  })
  .strict();
export type RevenueQuery = z.infer<typeof revenueQuery>;

// ---- results: one shape per report, discriminated by `report` --------------------------------

/** Money sums as stored (no currency conversion; split by `currency` to see the mix). */
export interface RevenueFigures {
  /** Sum of `revenue` over revenue events (booking_completed or any event with revenue). */
  revenue: number;
  /** Sum of the `commission` property over the same events. */
  commission: number;
  /** booking_completed events. */
  bookings: number;
  /** Revenue of booking_completed events / bookings; null without bookings. */
  averageBookingValue: number | null;
  /** Distinct persons with a revenue event. */
  payingPersons: number;
}

export interface OverviewPoint extends RevenueFigures {
  /** Distinct persons with any (filtered) event. */
  activePersons: number;
  /** revenue / activePersons; null without active persons. */
  arpu: number | null;
}

export interface RevenueOverviewResult {
  report: "overview";
  interval: Interval;
  /** Bucket starts, ISO in the project timezone's offset. */
  buckets: string[];
  series: OverviewPoint[];
  /** Over the whole range (distinct persons counted once). */
  totals: OverviewPoint;
}

export interface DimensionRow extends RevenueFigures {
  /** Null: events without the dimension. */
  value: string | null;
  /** Revenue per bucket of `buckets`. */
  revenueSeries: number[];
}

export interface RevenueByDimensionResult {
  report: "by_dimension";
  dimension: RevenueDimension;
  interval: Interval;
  buckets: string[];
  /** Top `limit` values by revenue. */
  rows: DimensionRow[];
  /** Every other value summed (value null), or null when there are none. */
  other: DimensionRow | null;
  totals: RevenueFigures;
}

export interface ConversionPoint extends Proportion {
  /** Distinct persons who searched in the bucket. */
  searchers: number;
  /** Of them, those with a booking_completed at or after their first search in the bucket. */
  bookers: number;
}

export interface SearchToBookingResult {
  report: "search_to_booking";
  interval: Interval;
  buckets: string[];
  series: ConversionPoint[];
  /** The whole range as one bucket. */
  total: ConversionPoint;
}

export interface LtvCohort {
  /** Start of the acquisition period (ISO, project timezone offset). */
  cohort: string;
  /** Persons whose first event falls in the period. */
  persons: number;
  /** Cumulative revenue per person by weeks since each person's first event (index 0 = first 7 days); null for weeks not yet started at the range end. */
  cumulativeRevenuePerPerson: (number | null)[];
}

export interface LtvByCohortResult {
  report: "ltv_by_cohort";
  interval: "day" | "week" | "month";
  weeks: number;
  cohorts: LtvCohort[];
}

export interface RouteRow {
  /** `LHR-JFK`: origin-destination of the booking. */
  route: string;
  origin: string;
  destination: string;
  revenue: number;
  commission: number;
  bookings: number;
  averageBookingValue: number | null;
}

export interface TopRoutesResult {
  report: "top_routes";
  byRevenue: RouteRow[];
  byBookings: RouteRow[];
}

export interface PeakCell {
  /** 0 = Monday ... 6 = Sunday, in the project timezone. */
  weekday: number;
  /** 0-23, in the project timezone. */
  hour: number;
  bookings: number;
  revenue: number;
}

export interface PeakHoursResult {
  report: "peak_hours";
  timezone: string;
  /** All 168 cells, Monday 00h first. */
  cells: PeakCell[];
  /** The cell with the most bookings (earliest on ties), null without bookings. */
  peak: PeakCell | null;
}

export interface ShareRow {
  /** Null: events without the value (or, for `other`, every value outside the top). */
  value: string | null;
  /** Distinct persons with an event with this value; a person on two devices counts in both. */
  persons: number;
  personShare: number;
  bookings: number;
  /** Of all bookings; these add up to 1. */
  bookingShare: number;
  revenue: number;
}

interface ShareParts {
  rows: ShareRow[];
  other: ShareRow | null;
  totals: { persons: number; bookings: number; revenue: number };
}
export interface DeviceShareResult extends ShareParts {
  report: "device_share";
  dimension: "device";
}
export interface BrowserShareResult extends ShareParts {
  report: "browser_share";
  dimension: "browser";
}
export type ShareResult = DeviceShareResult | BrowserShareResult;

export type RevenueResult =
  | RevenueOverviewResult
  | RevenueByDimensionResult
  | SearchToBookingResult
  | LtvByCohortResult
  | TopRoutesResult
  | PeakHoursResult
  | DeviceShareResult
  | BrowserShareResult;
