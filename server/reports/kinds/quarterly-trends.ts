import { col, type ReportTable } from "../document";
import { lastCompletePeriod } from "../period";
import { queries, type ReportBuilder } from "./context";
import { bucketLabel, comparisonTable, dimensionTable, revenueFigures, routesTable } from "./figures";

/** Last calendar quarter against the one before: figures, a six-month trend, revenue by country, top routes. */
export const quarterlyTrends: ReportBuilder = async (ctx) => {
  const tz = ctx.project.timezone;
  const p = lastCompletePeriod(ctx.runAt, "quarter", tz);
  const both = { from: p.previous.from, to: p.to };
  const [cur, prev, conv, prevConv, months, monthlyConv, countries, prevCountries, routes] = await Promise.all([
    queries.overview(ctx, p),
    queries.overview(ctx, p.previous),
    queries.searchToBooking(ctx, p),
    queries.searchToBooking(ctx, p.previous),
    queries.overview(ctx, both, "month"),
    queries.searchToBooking(ctx, both, "month"),
    queries.byDimension(ctx, p, "country", 10),
    queries.byDimension(ctx, p.previous, "country", 100),
    queries.topRoutes(ctx, p, 10),
  ]);
  const trend: ReportTable = {
    title: "Monthly trend (two quarters)",
    columns: [col("Month"), col("Revenue", "money"), col("Bookings", "integer"), col("Average booking value", "money"), col("Active persons", "integer"), col("Revenue per active person", "money"), col("Search-to-booking conversion", "percent")],
    rows: months.buckets.map((b, i) => {
      const s = months.series[i]!;
      return [bucketLabel(b, tz, "month"), s.revenue, s.bookings, s.averageBookingValue, s.activePersons, s.arpu, monthlyConv.series[i]?.rate ?? null];
    }),
  };
  return {
    title: ctx.reportName,
    periodLabel: p.label,
    period: { from: p.from.toISOString(), to: p.to.toISOString() },
    timezone: tz,
    generatedAt: new Date().toISOString(),
    tables: [
      comparisonTable("Quarterly trends", p.label, p.previous.label, revenueFigures(cur.totals, prev.totals, { cur: conv, prev: prevConv })),
      trend,
      dimensionTable("Revenue by country", "Country", countries.rows, countries.other, countries.totals.revenue, prevCountries.rows),
      routesTable("Top routes by revenue", routes.byRevenue),
    ],
  };
};
