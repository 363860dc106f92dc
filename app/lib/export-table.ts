import type { FunnelsResult } from "../../server/query/schema/funnels";
import type { LifecycleResult, StickinessResult } from "../../server/query/schema/lifecycle";
import type { PathsResult } from "../../server/query/schema/paths";
import type { RetentionResult } from "../../server/query/schema/retention";
import type { RevenueResult } from "../../server/query/schema/revenue";
import type { TrendsResult } from "../../server/query/schema/trends";
import { revenueTable } from "./export-revenue";

/**
 * A result as one flat table: the shape of the CSV export (browser and CLI) and of the table
 * under each chart. Pure: no browser or server objects, so both sides import it.
 */
export type Cell = string | number | null;
export interface ResultTable {
  columns: string[];
  rows: Cell[][];
}

const round = (n: number | null | undefined, digits = 4): number | null =>
  n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;

/** Trends: one row per series (and breakdown value, and period), one column per bucket. */
function trendsTable(r: TrendsResult): ResultTable {
  return {
    // A line or bar chart's distinct counts carry the sum over intervals as their total (cheaper than a distinct count over the range): the header says so.
    columns: ["series", "label", "breakdown", "period", r.series.some((s) => s.totalIsSum) ? "total (unique counts: sum of intervals)" : "total", ...r.buckets],
    rows: r.series.map((s) => [s.key, s.label, s.breakdownValue, s.period, round(s.total), ...s.data.map((v) => round(v))]),
  };
}

/** Funnels: one row per breakdown value and step. */
function funnelsTable(r: FunnelsResult): ResultTable {
  const columns = [
    "breakdown", "step", "label", "persons", "conversion_from_start", "from_start_low", "from_start_high",
    "conversion_from_previous", "from_previous_low", "from_previous_high", "dropped_off",
    "median_seconds_from_previous", "average_seconds_from_previous",
  ];
  const rows = r.breakdowns.flatMap((b) =>
    b.steps.map((s): Cell[] => [
      b.breakdownValue, s.index + 1, s.label, s.count,
      round(s.fromStart.rate), round(s.fromStart.low), round(s.fromStart.high),
      round(s.fromPrevious.rate), round(s.fromPrevious.low), round(s.fromPrevious.high),
      s.droppedOff, round(s.medianSecondsFromPrevious, 1), round(s.averageSecondsFromPrevious, 1),
    ]),
  );
  return { columns, rows };
}

/** Retention: one row per breakdown value and cohort; persons and rate per period after the start. */
function retentionTable(r: RetentionResult): ResultTable {
  const periods = Math.max(0, ...r.breakdowns.flatMap((b) => b.cohorts.map((c) => c.values.length)));
  const columns = ["breakdown", "cohort_start", "size"];
  for (let k = 0; k < periods; k++) columns.push(`period_${k}`, `rate_${k}`);
  const rows = r.breakdowns.flatMap((b) =>
    b.cohorts.map((c): Cell[] => {
      const row: Cell[] = [b.breakdownValue, c.start, c.size];
      for (let k = 0; k < periods; k++) row.push(c.values[k]?.count ?? null, round(c.values[k]?.rate));
      return row;
    }),
  );
  return { columns, rows };
}

/** Paths: the most common paths, one per row. */
function pathsTable(r: PathsResult): ResultTable {
  return { columns: ["path", "steps", "persons"], rows: r.topPaths.map((p) => [p.path.join(" → "), p.path.length, p.persons]) };
}

function lifecycleTable(r: LifecycleResult): ResultTable {
  return {
    columns: ["bucket", "new", "returning", "resurrecting", "dormant"],
    rows: r.buckets.map((b, i) => [b, r.new[i] ?? 0, r.returning[i] ?? 0, r.resurrecting[i] ?? 0, r.dormant[i] ?? 0]),
  };
}

function stickinessTable(r: StickinessResult): ResultTable {
  return { columns: ["days_active", "persons"], rows: r.days.map((d, i) => [d, r.persons[i] ?? 0]) };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const scalar = (v: unknown): Cell =>
  v === null || v === undefined ? null : typeof v === "number" ? round(v) : typeof v === "string" ? v : typeof v === "boolean" ? String(v) : JSON.stringify(v);

/** Rows of objects as a table: columns are the union of keys, in first-seen order. */
export function objectsTable(items: readonly Record<string, unknown>[]): ResultTable {
  const columns: string[] = [];
  for (const item of items) for (const k of Object.keys(item)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: items.map((item) => columns.map((c) => scalar(item[c]))) };
}

/**
 * Any other result: the first list of objects it holds (`rows`, `series`,
 * ...), else its scalar fields as one row.
 */
export function genericTable(result: unknown): ResultTable {
  if (Array.isArray(result)) return objectsTable(result.filter(isRecord));
  if (!isRecord(result)) return { columns: ["value"], rows: [[scalar(result)]] };
  const list = Object.values(result).find((v) => Array.isArray(v) && v.length > 0 && v.every(isRecord)) as Record<string, unknown>[] | undefined;
  if (list) return objectsTable(list);
  const scalars = Object.entries(result).filter(([, v]) => !Array.isArray(v) && !isRecord(v));
  return { columns: scalars.map(([k]) => k), rows: [scalars.map(([, v]) => scalar(v))] };
}

export function resultTable(kind: string, result: unknown): ResultTable {
  switch (kind) {
    case "trends":
      return trendsTable(result as TrendsResult);
    case "funnels":
      return funnelsTable(result as FunnelsResult);
    case "retention":
      return retentionTable(result as RetentionResult);
    case "paths":
      return pathsTable(result as PathsResult);
    case "lifecycle":
      return lifecycleTable(result as LifecycleResult);
    case "stickiness":
      return stickinessTable(result as StickinessResult);
    case "revenue":
      return isRecord(result) && typeof result.report === "string" ? revenueTable(result as unknown as RevenueResult) : genericTable(result);
    default:
      return genericTable(result);
  }
}
