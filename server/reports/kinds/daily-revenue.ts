import { lastCompletePeriod } from "../period";
import type { ReportBuilder } from "./context";
import { queries } from "./context";
import { comparisonTable, dimensionTable, revenueFigures } from "./figures";

/** Yesterday (local) against the day before: revenue, bookings, AOV, and revenue by provider. */
export const dailyRevenue: ReportBuilder = async (ctx) => {
  const tz = ctx.project.timezone;
  const p = lastCompletePeriod(ctx.runAt, "day", tz);
  const [cur, prev, providers, prevProviders] = await Promise.all([
    queries.overview(ctx, p),
    queries.overview(ctx, p.previous),
    queries.byDimension(ctx, p, "provider", 20),
    queries.byDimension(ctx, p.previous, "provider", 100),
  ]);
  return {
    title: ctx.reportName,
    periodLabel: p.label,
    period: { from: p.from.toISOString(), to: p.to.toISOString() },
    timezone: tz,
    generatedAt: new Date().toISOString(),
    tables: [
      comparisonTable("Daily revenue summary", p.label, p.previous.label, revenueFigures(cur.totals, prev.totals)),
      dimensionTable("Revenue by provider", "Provider", providers.rows, providers.other, providers.totals.revenue, prevProviders.rows),
    ],
  };
};
