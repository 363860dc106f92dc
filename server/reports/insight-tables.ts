import type { QueryAnswer } from "../query/result";
import type { FunnelsResult } from "../query/schema/funnels";
import type { LifecycleResult, StickinessResult } from "../query/schema/lifecycle";
import type { PathsResult } from "../query/schema/paths";
import type { RetentionResult } from "../query/schema/retention";
import type { RevenueResult } from "../query/schema/revenue";
import type { TrendsResult } from "../query/schema/trends";
import { col, type Cell, type ReportColumn, type ReportTable } from "./document";

const day = (iso: string, tz: string) => {
  const d = new Date(iso);
  const date = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  const time = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
  return time === "00:00" ? date : `${date} ${time}`;
};

function trends(r: TrendsResult, tz: string): ReportTable[] {
  const names = r.series.map((s) => [s.label, s.breakdownValue, s.period === "previous" ? "previous" : null].filter(Boolean).join(" · "));
  return [
    {
      title: "Trends",
      columns: [col("Period"), ...names.map((n) => col(n, "number"))],
      rows: [...r.buckets.map((b, i) => [day(b, tz), ...r.series.map((s) => s.data[i] ?? null)]), ["Total", ...r.series.map((s) => s.total)]],
    },
  ];
}

function funnels(r: FunnelsResult): ReportTable[] {
  return r.breakdowns.map((b) => ({
    title: b.breakdownValue === null ? "Funnel" : `Funnel · ${b.breakdownValue}`,
    columns: [col("Step"), col("Event"), col("Persons", "integer"), col("Conversion from start", "percent"), col("Conversion from previous step", "percent"), col("Dropped off", "integer"), col("Median seconds from previous", "number")],
    rows: b.steps.map((s) => [String(s.index + 1), s.label, s.count, s.fromStart.rate, s.index === 0 ? null : s.fromPrevious.rate, s.droppedOff, s.medianSecondsFromPrevious]),
  }));
}

function retention(r: RetentionResult, tz: string): ReportTable[] {
  return r.breakdowns.map((b) => {
    const periods = Math.max(0, ...b.cohorts.map((c) => c.values.length));
    return {
      title: b.breakdownValue === null ? "Retention" : `Retention · ${b.breakdownValue}`,
      columns: [col("Cohort"), col("Persons", "integer"), ...Array.from({ length: periods }, (_, k) => col(`Period ${k}`, "percent"))],
      rows: b.cohorts.map((c) => [day(c.start, tz), c.size, ...Array.from({ length: periods }, (_, k) => c.values[k]?.rate ?? null)]),
    };
  });
}

function lifecycle(r: LifecycleResult, tz: string): ReportTable[] {
  return [
    {
      title: "Lifecycle",
      columns: [col("Period"), col("New", "integer"), col("Returning", "integer"), col("Resurrecting", "integer"), col("Dormant", "integer")],
      rows: r.buckets.map((b, i) => [day(b, tz), r.new[i] ?? 0, r.returning[i] ?? 0, r.resurrecting[i] ?? 0, r.dormant[i] ?? 0]),
    },
  ];
}

function stickiness(r: StickinessResult): ReportTable[] {
  return [{ title: "Stickiness", columns: [col("Days active"), col("Persons", "integer")], rows: r.days.map((d, i) => [String(d), r.persons[i] ?? 0]) }];
}

function paths(r: PathsResult): ReportTable[] {
  return [{ title: "Top paths", columns: [col("Path"), col("Persons", "integer")], rows: r.topPaths.map((p) => [p.path.join(" > "), p.persons]) }];
}

/** Any object list as a table: its keys become columns (nested values as JSON text). */
function objectsTable(title: string, rows: Record<string, unknown>[]): ReportTable {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns: ReportColumn[] = keys.map((k) => col(k, rows.every((r) => r[k] === null || r[k] === undefined || typeof r[k] === "number") ? "number" : "text"));
  const cell = (v: unknown): Cell => (v === null || v === undefined ? null : typeof v === "number" || typeof v === "string" ? v : typeof v === "boolean" ? String(v) : JSON.stringify(v));
  return { title, columns, rows: rows.map((r) => keys.map((k) => cell(r[k]))) };
}

function revenue(r: RevenueResult, tz: string): ReportTable[] {
  switch (r.report) {
    case "overview":
      return [objectsTable("Revenue overview", [...r.series.map((s, i) => ({ period: day(r.buckets[i]!, tz), ...s })), { period: "Total", ...r.totals }])];
    case "by_dimension":
      return [objectsTable(`Revenue by ${r.dimension}`, [...r.rows, ...(r.other ? [{ ...r.other, value: "(other)" }] : [])].map(({ revenueSeries: _, ...row }) => row))];
    case "search_to_booking":
      return [objectsTable("Search to booking", [...r.series.map((s, i) => ({ period: day(r.buckets[i]!, tz), ...s })), { period: "Total", ...r.total }])];
    case "ltv_by_cohort":
      return [
        {
          title: "Lifetime value by cohort",
          columns: [col("Cohort"), col("Persons", "integer"), ...Array.from({ length: r.weeks }, (_, k) => col(`Week ${k + 1}`, "money"))],
          rows: r.cohorts.map((c) => [day(c.cohort, tz), c.persons, ...Array.from({ length: r.weeks }, (_, k) => c.cumulativeRevenuePerPerson[k] ?? null)]),
        },
      ];
    case "top_routes":
      return [objectsTable("Top routes by revenue", r.byRevenue as never), objectsTable("Top routes by bookings", r.byBookings as never)];
    case "peak_hours":
      return [objectsTable("Bookings by weekday and hour", r.cells as never)];
    case "device_share":
    case "browser_share":
      return [objectsTable(`Share by ${r.dimension}`, [...r.rows, ...(r.other ? [{ ...r.other, value: "(other)" }] : [])] as never)];
  }
}

/** A saved insight's answer as tables, whatever its kind. */
export function answerTables(answer: QueryAnswer<unknown>, tz: string): ReportTable[] {
  const r = answer.result as never;
  switch (answer.kind) {
    case "trends":
      return trends(r, tz);
    case "funnels":
      return funnels(r);
    case "retention":
      return retention(r, tz);
    case "lifecycle":
      return lifecycle(r, tz);
    case "stickiness":
      return stickiness(r);
    case "paths":
      return paths(r);
    case "revenue":
      return revenue(r, tz);
    default:
      return [objectsTable(answer.kind, [answer.result as Record<string, unknown>])];
  }
}
