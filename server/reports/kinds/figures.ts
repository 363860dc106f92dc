import type { DimensionRow, OverviewPoint, RouteRow, SearchToBookingResult } from "../../query/schema/revenue";
import { change, col, type Cell, type CellType, type ReportTable } from "../document";

export type FigureRow = [label: string, type: CellType, current: number | null, previous: number | null];

/** Metric | current | previous | change: the "vs previous period" table every built-in report opens with. */
export function comparisonTable(title: string, currentLabel: string, previousLabel: string, rows: FigureRow[]): ReportTable {
  return {
    title,
    columns: [col("Metric"), col(currentLabel, "number"), col(previousLabel, "number"), col("Change", "percent")],
    rows: rows.map(([label, , cur, prev]) => [label, cur, prev, change(cur, prev)]),
    note: `Change: relative to ${previousLabel}.`,
    rowTypes: rows.map(([, type]) => type),
  };
}

/** The revenue figures of one period (overview totals plus search-to-booking conversion). */
export function revenueFigures(cur: OverviewPoint, prev: OverviewPoint, conv?: { cur: SearchToBookingResult; prev: SearchToBookingResult }): FigureRow[] {
  const rows: FigureRow[] = [
    ["Revenue", "money", cur.revenue, prev.revenue],
    ["Bookings", "integer", cur.bookings, prev.bookings],
    ["Average booking value", "money", cur.averageBookingValue, prev.averageBookingValue],
    ["Commission", "money", cur.commission, prev.commission],
    ["Paying persons", "integer", cur.payingPersons, prev.payingPersons],
    ["Active persons", "integer", cur.activePersons, prev.activePersons],
    ["Revenue per active person", "money", cur.arpu, prev.arpu],
  ];
  if (conv) {
    rows.push(["Searchers", "integer", conv.cur.total.searchers, conv.prev.total.searchers]);
    rows.push(["Search-to-booking conversion", "percent", conv.cur.total.rate, conv.prev.total.rate]);
  }
  return rows;
}

/** Revenue split by one dimension, with the previous period's revenue beside it. */
export function dimensionTable(title: string, label: string, rows: DimensionRow[], other: DimensionRow | null, total: number, previous: DimensionRow[] = []): ReportTable {
  const prevByValue = new Map(previous.map((r) => [r.value, r.revenue]));
  const all = other ? [...rows, { ...other, value: "(other)" }] : rows;
  return {
    title,
    columns: [col(label), col("Revenue", "money"), col("Bookings", "integer"), col("Average booking value", "money"), col("Share of revenue", "percent"), col("Revenue, previous period", "money"), col("Change", "percent")],
    rows: all.map((r): Cell[] => {
      const prev = r.value === "(other)" ? null : (prevByValue.get(r.value) ?? 0);
      return [r.value ?? "(none)", r.revenue, r.bookings, r.averageBookingValue, total ? r.revenue / total : null, prev, change(r.revenue, prev)];
    }),
  };
}

export function routesTable(title: string, routes: RouteRow[]): ReportTable {
  return {
    title,
    columns: [col("Route"), col("Bookings", "integer"), col("Revenue", "money"), col("Average booking value", "money"), col("Commission", "money")],
    rows: routes.map((r) => [r.route, r.bookings, r.revenue, r.averageBookingValue, r.commission]),
  };
}

/** "2026-11-21" in the project time zone, from a bucket's ISO start. */
export function bucketLabel(iso: string, tz: string, unit: "day" | "month"): string {
  const d = new Date(iso);
  if (unit === "month") return new Intl.DateTimeFormat("en-GB", { timeZone: tz, month: "short", year: "numeric" }).format(d);
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}
