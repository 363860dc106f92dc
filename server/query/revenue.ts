import type { QueryContext } from "./context";
import type { RunOutput } from "./registry";
import { searchToBooking, ltvByCohort } from "./revenue-conversion";
import { revenueByDimension, revenueOverview } from "./revenue-overview";
import { deviceOrBrowserShare, peakHours, topRoutes } from "./revenue-shares";
import type { RevenueQuery, RevenueReport, RevenueResult } from "./schema/revenue";

/** One function per pre-built report; `report` picks it. */
const REPORTS: Record<RevenueReport, (ctx: QueryContext, q: RevenueQuery) => Promise<RevenueResult>> = {
  overview: revenueOverview,
  by_dimension: revenueByDimension,
  search_to_booking: searchToBooking,
  ltv_by_cohort: ltvByCohort,
  top_routes: topRoutes,
  peak_hours: peakHours,
  device_share: deviceOrBrowserShare,
  browser_share: deviceOrBrowserShare,
};

/**
 * Revenue analytics over raw events (booking_completed and any event with revenue): the
 * pre-built travel reports. Every value is a bind parameter; buckets and hours are in the project
 * timezone. Amounts are summed as stored, without currency conversion.
 */
export async function runRevenue(ctx: QueryContext, query: RevenueQuery): Promise<RunOutput<RevenueResult>> {
  const result = await REPORTS[query.report](ctx, query);
  return { result, source: "events" };
}
