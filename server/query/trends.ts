import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { QueryInputError } from "./errors";
import { evaluateFormula, formulaVariables, parseFormula } from "./formula";
import type { RunOutput } from "./registry";
import { totalIsBucketSum, type TrendsQuery, type TrendsResult, type TrendsSeriesResult } from "./schema/trends";
import { currentPeriod, isoInZone, previousPeriod, type Period } from "./trends-buckets";
import { seriesFromEvents } from "./trends-events";
import { breakdownPlan, DAY_NAMES, OTHER, type BreakdownPlan, type SeriesNumbers, type TopValues, type TrendsSeriesInput } from "./trends-plan";
import { trendsFromRollups } from "./trends-rollup";

const LETTERS = "ABCDEFGHIJ";

/**
 * Trends: one number per bucket for each series (count, unique persons, sessions, a property
 * aggregate, or active users), optionally broken down, compared with the previous period,
 * cumulated, and combined by a formula. Answers from rollups when the query allows
 * (trends-rollup.ts), else from raw events (trends-events.ts); both give the same numbers.
 */
export async function runTrends(ctx: QueryContext, q: TrendsQuery): Promise<RunOutput<TrendsResult>> {
  const formula = q.formula ? parseFormula(q.formula) : null;
  if (formula) {
    for (const v of formulaVariables(formula)) {
      if (LETTERS.indexOf(v) >= q.series.length) throw new QueryInputError("formula", `uses ${v} but the query has ${q.series.length} series`);
    }
  }
  const tz = ctx.timezone;
  const current = currentPeriod(resolveRange(q.dateRange, tz, ctx.now), q.interval, tz);
  const periods: Period[] = q.compare ? [current, previousPeriod(current, q.interval, tz)] : [current];
  const bd = breakdownPlan(q);

  let numbers: { current: SeriesNumbers; previous?: SeriesNumbers; top?: TopValues }[];
  let source: RunOutput<TrendsResult>["source"] = "events";
  let dataWatermark: string | null | undefined;
  const fromRollups = await trendsFromRollups(ctx, q, periods, bd);
  if (fromRollups) {
    numbers = fromRollups.series;
    source = "rollup";
    dataWatermark = fromRollups.dataWatermark ?? undefined;
  } else {
    numbers = [];
    for (const s of q.series) {
      const cur = await seriesFromEvents(ctx, q, s, current, bd, undefined);
      const prev = periods[1] ? await seriesFromEvents(ctx, q, s, periods[1], bd, cur.top) : undefined;
      numbers.push({ current: cur.numbers, previous: prev?.numbers, top: cur.top });
    }
  }

  const series: TrendsSeriesResult[] = [];
  const n = current.buckets.length;
  const byPeriod = periods.map((p) => p.name);
  const formulaInputs = new Map<string, Map<string, TrendsSeriesResult>>();
  q.series.forEach((s, i) => {
    const key = LETTERS[i]!;
    const values = breakdownValues(bd, numbers[i]!);
    for (const period of byPeriod) {
      const got = period === "current" ? numbers[i]!.current : numbers[i]!.previous!;
      for (const value of values) {
        const found = got.get(value);
        const data = fit(found?.data ?? [], n);
        const row: TrendsSeriesResult = {
          key,
          label: labelOf(s),
          breakdownValue: value,
          period,
          data: q.cumulative ? cumulate(data) : data,
          total: found?.total ?? 0,
          ...(totalIsBucketSum(q, s.math) ? { totalIsSum: true as const } : {}),
        };
        series.push(row);
        const slot = `${period}\u0000${value ?? ""}\u0000${value === null ? 0 : 1}`;
        if (!formulaInputs.has(slot)) formulaInputs.set(slot, new Map());
        formulaInputs.get(slot)!.set(key, row);
      }
    }
  });

  if (formula) {
    for (const inputs of formulaInputs.values()) {
      const any = [...inputs.values()][0]!;
      const at = (i: number) => Object.fromEntries([...inputs].map(([k, r]) => [k, r.data[i] ?? 0]));
      series.push({
        key: "formula",
        label: q.formula!,
        breakdownValue: any.breakdownValue,
        period: any.period,
        data: Array.from({ length: n }, (_, i) => evaluateFormula(formula, at(i))),
        total: evaluateFormula(formula, Object.fromEntries([...inputs].map(([k, r]) => [k, r.total]))),
        ...([...inputs.values()].some((r) => r.totalIsSum) ? { totalIsSum: true as const } : {}),
      });
    }
  }
  return { result: { buckets: current.buckets.map((b) => isoInZone(b, tz)), series }, source, ...(dataWatermark !== undefined ? { dataWatermark } : {}) };
}

function labelOf(s: TrendsSeriesInput): string {
  if (s.label) return s.label;
  const name = s.event === "$all" ? "All events" : s.event;
  if (s.math === "total") return name;
  return s.mathProperty ? `${name} (${s.math} of ${s.mathProperty})` : `${name} (${s.math})`;
}

/** Breakdown values in display order: top values by event count then "other"; cohorts as asked; days and hours in order. */
function breakdownValues(bd: BreakdownPlan, got: { current: SeriesNumbers; previous?: SeriesNumbers; top?: TopValues }): (string | null)[] {
  if (bd.kind === "none") return [null];
  if (bd.kind === "cohort") return bd.cohortIds;
  const present = new Set<string>([...got.current.keys(), ...(got.previous?.keys() ?? [])].filter((v): v is string => v !== null));
  if (bd.kind === "property") {
    const values = [...(got.top?.values ?? [])];
    if (present.has(OTHER) && !values.includes(OTHER)) values.push(OTHER);
    return values;
  }
  if (bd.kind === "day_of_week") return DAY_NAMES.filter((d) => present.has(d));
  return [...present].sort();
}

function fit(data: number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => data[i] ?? 0);
}

function cumulate(data: number[]): number[] {
  let sum = 0;
  return data.map((v) => (sum += v));
}
