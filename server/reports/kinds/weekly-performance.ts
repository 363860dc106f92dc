import { change, col, type ReportTable } from "../document";
import { lastCompletePeriod } from "../period";
import { queries, type ReportBuilder } from "./context";
import { bucketLabel, comparisonTable, routesTable } from "./figures";

export const FUNNEL_EVENTS = ["$pageview", "search", "checkout_started", "booking_completed"];

/** Last week (Monday to Monday, local) against the week before: traffic, the booking funnel, top routes. */
export const weeklyPerformance: ReportBuilder = async (ctx) => {
  const tz = ctx.project.timezone;
  const p = lastCompletePeriod(ctx.runAt, "week", tz);
  const [traffic, prevTraffic, cur, prev, conv, prevConv, funnel, routes] = await Promise.all([
    queries.traffic(ctx, p),
    queries.traffic(ctx, p.previous),
    queries.overview(ctx, p),
    queries.overview(ctx, p.previous),
    queries.searchToBooking(ctx, p),
    queries.searchToBooking(ctx, p.previous),
    queries.funnel(ctx, p, FUNNEL_EVENTS),
    queries.topRoutes(ctx, p, 10),
  ]);
  const total = (t: typeof traffic, i: number) => t.series[i]?.total ?? 0;
  const summary = comparisonTable("Weekly performance", "This week", "Previous week", [
    ["Pageviews", "integer", total(traffic, 0), total(prevTraffic, 0)],
    ["Unique visitors", "integer", total(traffic, 1), total(prevTraffic, 1)],
    ["Searchers", "integer", conv.total.searchers, prevConv.total.searchers],
    ["Search-to-booking conversion", "percent", conv.total.rate, prevConv.total.rate],
    ["Bookings", "integer", cur.totals.bookings, prev.totals.bookings],
    ["Revenue", "money", cur.totals.revenue, prev.totals.revenue],
    ["Average booking value", "money", cur.totals.averageBookingValue, prev.totals.averageBookingValue],
  ]);
  summary.note = `This week: ${p.label}; previous week: ${p.previous.label}.`;
  const byDay: ReportTable = {
    title: "Traffic by day",
    columns: [col("Day"), col("Pageviews", "integer"), col("Unique visitors", "integer"), col("Pageviews, same day previous week", "integer"), col("Change", "percent")],
    rows: traffic.buckets.map((b, i) => {
      const views = traffic.series[0]?.data[i] ?? 0;
      const before = prevTraffic.series[0]?.data[i] ?? null;
      return [bucketLabel(b, tz, "day"), views, traffic.series[1]?.data[i] ?? 0, before, change(views, before)];
    }),
  };
  const steps = funnel.breakdowns[0]?.steps ?? [];
  const funnelTable: ReportTable = {
    title: "Conversion funnel",
    columns: [col("Step"), col("Event"), col("Persons", "integer"), col("Conversion from start", "percent"), col("Conversion from previous step", "percent"), col("Dropped off", "integer")],
    rows: steps.map((s) => [String(s.index + 1), s.label, s.count, s.fromStart.rate, s.index === 0 ? null : s.fromPrevious.rate, s.droppedOff]),
    note: "Persons who did each step in order within 7 days of their first pageview of the week.",
  };
  return {
    title: ctx.reportName,
    periodLabel: p.label,
    period: { from: p.from.toISOString(), to: p.to.toISOString() },
    timezone: tz,
    generatedAt: new Date().toISOString(),
    tables: [summary, byDay, funnelTable, routesTable("Top routes by revenue", routes.byRevenue)],
  };
};
