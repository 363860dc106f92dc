import type pg from "pg";
import { runInsight, type ProjectForQuery } from "../../query/run";
import type { FunnelsResult } from "../../query/schema/funnels";
import type {
  RevenueByDimensionResult,
  RevenueDimension,
  RevenueOverviewResult,
  SearchToBookingResult,
  TopRoutesResult,
} from "../../query/schema/revenue";
import type { TrendsResult } from "../../query/schema/trends";
import type { ReportDocument } from "../document";
import type { ReportParams } from "../schema";

export interface SavedInsightRow {
  id: string;
  name: string;
  query: unknown;
}

/** What a report kind gets to build its document. */
export interface BuildContext {
  pool: pg.Pool;
  project: ProjectForQuery & { name: string };
  /** The cron slot (or the moment of a manual run): periods end at the last boundary before it. */
  runAt: Date;
  reportName: string;
  params: ReportParams;
  loadInsight(id: string): Promise<SavedInsightRow | null>;
}

export type ReportBuilder = (ctx: BuildContext) => Promise<ReportDocument>;

export interface Range {
  from: Date;
  to: Date;
}

const dateRange = (r: Range) => ({ from: r.from.toISOString(), to: r.to.toISOString() });

/** Every figure comes from the query layer: typed query objects, values bound, never SQL text. */
async function ask<R>(ctx: BuildContext, query: Record<string, unknown>): Promise<R> {
  const answer = await runInsight(ctx.pool, ctx.project, query, { now: ctx.runAt });
  return answer.result as R;
}

export const queries = {
  overview: (ctx: BuildContext, r: Range, interval: "day" | "week" | "month" = "day") =>
    ask<RevenueOverviewResult>(ctx, { kind: "revenue", report: "overview", interval, dateRange: dateRange(r) }),
  byDimension: (ctx: BuildContext, r: Range, dimension: RevenueDimension, limit = 10) =>
    ask<RevenueByDimensionResult>(ctx, { kind: "revenue", report: "by_dimension", dimension, limit, interval: "month", dateRange: dateRange(r) }),
  topRoutes: (ctx: BuildContext, r: Range, limit = 10) => ask<TopRoutesResult>(ctx, { kind: "revenue", report: "top_routes", limit, dateRange: dateRange(r) }),
  searchToBooking: (ctx: BuildContext, r: Range, interval: "day" | "week" | "month" = "day") =>
    ask<SearchToBookingResult>(ctx, { kind: "revenue", report: "search_to_booking", interval, dateRange: dateRange(r) }),
  traffic: (ctx: BuildContext, r: Range) =>
    ask<TrendsResult>(ctx, {
      kind: "trends",
      interval: "day",
      // The report prints totals: "Unique visitors" counts each person once over the week.
      display: "table",
      series: [
        { event: "$pageview", math: "total", label: "Pageviews" },
        { event: "$pageview", math: "unique_persons", label: "Unique visitors" },
      ],
      dateRange: dateRange(r),
    }),
  funnel: (ctx: BuildContext, r: Range, events: string[]) =>
    ask<FunnelsResult>(ctx, { kind: "funnels", steps: events.map((event) => ({ event })), window: { value: 7, unit: "day" }, dateRange: dateRange(r) }),
};
