import type pg from "pg";
import { z } from "zod";
import { zonedParts } from "../query/date-range";
import { runInsight, type ProjectForQuery } from "../query/run";
import type { LifecycleResult } from "../query/schema/lifecycle";
import type { TrendsQuery, TrendsResult } from "../query/schema/trends";
import type { Target } from "./targets";

/** Forecast options: how far ahead, and how much daily history the model sees. */
export const forecastWindow = z
  .object({
    horizon: z.number().int().min(1).max(90).default(14),
    historyDays: z.number().int().min(28).max(730).default(120),
  })
  .strict();
export type ForecastWindow = z.infer<typeof forecastWindow>;

export interface DailySeries {
  /** Project-local dates (YYYY-MM-DD), consecutive, the last one yesterday. */
  dates: string[];
  values: number[];
}

/** Project-local calendar date of an instant. */
export function localDate(at: Date, timezone: string): string {
  const p = zonedParts(at, timezone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The daily trends query behind a target (revenue, bookings, active users, route demand, an insight). */
export function trendsFor(target: Target, from: string, to: string): TrendsQuery | null {
  const base = { kind: "trends" as const, interval: "day" as const, dateRange: { from, to }, filters: [], excludeTestAccounts: false, compare: false, cumulative: false, display: "line" as const };
  switch (target.kind) {
    case "fixed":
      if (target.id === "revenue") return { ...base, series: [{ event: "booking_completed", math: "sum", mathProperty: "revenue", filters: [] }] };
      if (target.id === "bookings") return { ...base, series: [{ event: "booking_completed", math: "total", filters: [] }] };
      if (target.id === "active_users") return { ...base, series: [{ event: "$all", math: "dau", filters: [] }] };
      return null;
    case "route":
      return {
        ...base,
        series: [
          {
            event: "search",
            math: "total",
            filters: [
              { type: "event", key: "origin", operator: "equals", value: target.origin },
              { type: "event", key: "destination", operator: "equals", value: target.destination },
            ],
          },
        ],
      };
    case "insight": {
      // The saved query as it is (series, filters, formula), made daily, without breakdown or comparison.
      const { breakdown: _b, ...q } = target.query;
      return { ...q, interval: "day", compare: false, cumulative: false, dateRange: { from, to } };
    }
  }
}

/** The series a target's chart shows: the formula when there is one, else the first series. */
function pickSeries(result: TrendsResult): number[] {
  const current = result.series.filter((s) => s.period === "current");
  const chosen = current.find((s) => s.key === "formula") ?? current[0];
  return chosen ? chosen.data : result.buckets.map(() => 0);
}

/**
 * Reads a target's daily history through the query layer: `historyDays` complete days ending
 * yesterday in the project's timezone (today is partial and would drag every forecast down).
 */
export async function readSeries(pool: pg.Pool, project: ProjectForQuery, target: Target, opts: { historyDays: number; now: Date }): Promise<DailySeries> {
  const today = localDate(opts.now, project.timezone);
  return readDays(pool, project, target, { from: addDays(today, -opts.historyDays), to: addDays(today, -1), now: opts.now });
}

/** A target's daily values from `from` to `to` (project-local dates, both included). */
export async function readDays(pool: pg.Pool, project: ProjectForQuery, target: Target, opts: { from: string; to: string; now: Date }): Promise<DailySeries> {
  const { from, to } = opts;
  const q = trendsFor(target, from, to);
  let buckets: string[];
  let values: number[];
  if (q) {
    const answer = await runInsight(pool, project, q, { now: opts.now });
    const result = answer.result as TrendsResult;
    buckets = result.buckets;
    values = pickSeries(result);
  } else {
    const answer = await runInsight(pool, project, { kind: "lifecycle", event: { event: "$all", filters: [] }, interval: "day", dateRange: { from, to } }, { now: opts.now });
    const result = answer.result as LifecycleResult;
    buckets = result.buckets;
    values = result.new;
  }
  const dates = buckets.map((b) => b.slice(0, 10));
  return { dates, values: values.map((v) => (Number.isFinite(v) ? v : 0)) };
}

/** Drops the days before the first nonzero value (before the project had any such data). */
export function trimLeadingZeros(series: DailySeries): DailySeries {
  const first = series.values.findIndex((v) => v !== 0);
  if (first <= 0) return first === -1 ? { dates: [], values: [] } : series;
  return { dates: series.dates.slice(first), values: series.values.slice(first) };
}
