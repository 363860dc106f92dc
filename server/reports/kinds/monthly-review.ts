import { col, type ReportTable } from "../document";
import { lastCompletePeriod } from "../period";
import { queries, type ReportBuilder } from "./context";
import { bucketLabel, comparisonTable, dimensionTable, revenueFigures, routesTable } from "./figures";

/** Last calendar month (local) against the month before: figures, revenue by day, by provider and device, top routes. */
export const monthlyBusinessReview: ReportBuilder = async (ctx) => {
  const tz = ctx.project.timezone;
  const p = lastCompletePeriod(ctx.runAt, "month", tz);
  const [cur, prev, conv, prevConv, providers, prevProviders, devices, prevDevices, routes] = await Promise.all([
    queries.overview(ctx, p, "day"),
    queries.overview(ctx, p.previous),
    queries.searchToBooking(ctx, p),
    queries.searchToBooking(ctx, p.previous),
    queries.byDimension(ctx, p, "provider", 20),
    queries.byDimension(ctx, p.previous, "provider", 100),
    queries.byDimension(ctx, p, "device", 10),
    queries.byDimension(ctx, p.previous, "device", 100),
    queries.topRoutes(ctx, p, 15),
  ]);
  const daily: ReportTable = {
    title: "Revenue by day",
    columns: [col("Day"), col("Revenue", "money"), col("Bookings", "integer"), col("Average booking value", "money"), col("Active persons", "integer")],
    rows: cur.buckets.map((b, i) => {
      const s = cur.series[i]!;
      return [bucketLabel(b, tz, "day"), s.revenue, s.bookings, s.averageBookingValue, s.activePersons];
    }),
  };
  return {
    title: ctx.reportName,
    periodLabel: p.label,
    period: { from: p.from.toISOString(), to: p.to.toISOString() },
    timezone: tz,
    generatedAt: new Date().toISOString(),
    tables: [
      comparisonTable("Monthly business review", p.label, p.previous.label, revenueFigures(cur.totals, prev.totals, { cur: conv, prev: prevConv })),
      daily,
      dimensionTable("Revenue by provider", "Provider", providers.rows, providers.other, providers.totals.revenue, prevProviders.rows),
      dimensionTable("Revenue by device", "Device", devices.rows, devices.other, devices.totals.revenue, prevDevices.rows),
      routesTable("Top routes by revenue", routes.byRevenue),
    ],
  };
};
