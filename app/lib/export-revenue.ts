import type { DimensionRow, OverviewPoint, RevenueResult, RouteRow, ShareRow } from "../../server/query/schema/revenue";
import type { Cell, ResultTable } from "./export-table";

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const r4 = (n: number | null | undefined): number | null => (n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 1e4) / 1e4);

const overviewCols = ["revenue", "commission", "bookings", "average_booking_value", "paying_persons", "active_persons", "arpu"];
const overviewCells = (p: OverviewPoint): Cell[] => [r4(p.revenue), r4(p.commission), p.bookings, r4(p.averageBookingValue), p.payingPersons, p.activePersons, r4(p.arpu)];
const dimensionCells = (d: DimensionRow, other = false): Cell[] => [other ? "(other)" : (d.value ?? "(none)"), r4(d.revenue), r4(d.commission), d.bookings, r4(d.averageBookingValue), d.payingPersons];
const routeCells = (r: RouteRow, i: number): Cell[] => [i + 1, r.route, r.origin, r.destination, r4(r.revenue), r4(r.commission), r.bookings, r4(r.averageBookingValue)];
const shareCells = (s: ShareRow, other = false): Cell[] => [other ? "(other)" : (s.value ?? "(none)"), s.persons, r4(s.personShare), s.bookings, r4(s.bookingShare), r4(s.revenue)];

/** Revenue reports as tables: one shape per report, with the totals or "other" row last. */
export function revenueTable(r: RevenueResult): ResultTable {
  switch (r.report) {
    case "overview":
      return {
        columns: ["bucket", ...overviewCols],
        rows: [...r.buckets.map((b, i) => [b, ...overviewCells(r.series[i]!)]), ["total", ...overviewCells(r.totals)]],
      };
    case "by_dimension":
      return {
        columns: [r.dimension, "revenue", "commission", "bookings", "average_booking_value", "paying_persons"],
        rows: [...r.rows.map((d) => dimensionCells(d)), ...(r.other ? [dimensionCells(r.other, true)] : [])],
      };
    case "search_to_booking":
      return {
        columns: ["bucket", "searchers", "bookers", "conversion", "conversion_low", "conversion_high"],
        rows: [...r.buckets.map((b, i) => r.series[i]!).map((p, i) => [r.buckets[i]!, p.searchers, p.bookers, r4(p.rate), r4(p.low), r4(p.high)]), ["total", r.total.searchers, r.total.bookers, r4(r.total.rate), r4(r.total.low), r4(r.total.high)]],
      };
    case "ltv_by_cohort":
      return {
        columns: ["cohort", "persons", ...Array.from({ length: r.weeks }, (_, w) => `week_${w}`)],
        rows: r.cohorts.map((c) => [c.cohort, c.persons, ...Array.from({ length: r.weeks }, (_, w) => r4(c.cumulativeRevenuePerPerson[w]))]),
      };
    case "top_routes":
      return { columns: ["rank", "route", "origin", "destination", "revenue", "commission", "bookings", "average_booking_value"], rows: r.byRevenue.map(routeCells) };
    case "peak_hours":
      return { columns: ["weekday", "hour", "bookings", "revenue"], rows: r.cells.map((c) => [WEEKDAYS[c.weekday] ?? c.weekday, c.hour, c.bookings, r4(c.revenue)]) };
    case "device_share":
    case "browser_share":
      return {
        columns: [r.dimension, "persons", "person_share", "bookings", "booking_share", "revenue"],
        rows: [...r.rows.map((s) => shareCells(s)), ...(r.other ? [shareCells(r.other, true)] : [])],
      };
  }
}
