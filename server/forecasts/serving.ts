import { createHash } from "node:crypto";
import type pg from "pg";
import { forecastSeries, minimumLength, SeriesTooShortError, type ForecastBand } from "../../ml/forecast/engine";
import { activeVersion, type ModelVersionRow } from "../../ml/registry/registry";
import { modelPrediction } from "../monitoring/metrics";
import type { ProjectForQuery } from "../query/run";
import { addDays, readSeries, trimLeadingZeros, type DailySeries, type ForecastWindow } from "./series";
import { FORECAST_KIND, type Target } from "./targets";

export interface VersionSummary {
  id: string;
  version: number;
  status: string;
  active: boolean;
  createdAt: Date;
  promotedAt: Date | null;
  trainingFrom: Date | null;
  trainingTo: Date | null;
  backtest: { mase: number | null; smape: number | null; origins: number | null; horizon: number | null };
  live: { n: number; mae: number | null; smape: number | null; coverage80: number | null; coverage95: number | null; updatedAt: string | null } | null;
  progress: { step: number; of: number; note: string } | null;
  seasonLength: number | null;
  error: string | null;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : v === null || v === undefined ? null : Number.isFinite(Number(v)) ? Number(v) : null);

export function summarizeVersion(v: Omit<ModelVersionRow, "artifact"> & { progress?: unknown }): VersionSummary {
  const m = v.metrics as Record<string, unknown>;
  const live = v.liveMetrics as Record<string, unknown>;
  const p = (v.progress ?? {}) as Record<string, unknown>;
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    active: v.active,
    createdAt: v.createdAt,
    promotedAt: v.promotedAt,
    trainingFrom: v.trainingFrom,
    trainingTo: v.trainingTo,
    backtest: { mase: num(m.mase), smape: num(m.smape), origins: num(m.origins), horizon: num(m.horizon) },
    live:
      live && live.n !== undefined
        ? { n: Number(live.n), mae: num(live.mae), smape: num(live.smape), coverage80: num(live.coverage80), coverage95: num(live.coverage95), updatedAt: (live.updatedAt as string) ?? null }
        : null,
    progress: typeof p.step === "number" ? { step: p.step, of: Number(p.of), note: String(p.note ?? "") } : null,
    seasonLength: num((v.params as Record<string, unknown>).seasonLength),
    error: v.error,
  };
}

export interface TargetForecast {
  target: { id: string; label: string; description: string; unit: string };
  window: ForecastWindow;
  history: DailySeries;
  /** Null when the history is too short to forecast (`reason` says why). */
  forecast: ({ dates: string[]; seasonLength: number } & ForecastBand) | null;
  reason: string | null;
  active: VersionSummary | null;
}

// Forecasts of the same series and settings are reused (the engine takes ~0.1-0.3 s per series).
const cache = new Map<string, { dates: string[]; seasonLength: number } & ForecastBand>();
const CACHE_SIZE = 200;

/**
 * A target's history and forecast with 80/95% bands. The active version decides the season
 * length; the engine is re-run on the latest complete days (ml/README.md: "re-run forecastSeries
 * on the latest series"), so the forecast always starts tomorrow. The version's backtest accuracy
 * and live accuracy are returned beside it.
 */
export async function forecastTarget(pool: pg.Pool, project: ProjectForQuery, target: Target, window: ForecastWindow, now: Date): Promise<TargetForecast> {
  // Days before the series' first nonzero value are not history, only absence of data.
  const history = trimLeadingZeros(await readSeries(pool, project, target, { historyDays: window.historyDays, now }));
  const version = await activeVersion(pool, { projectId: project.id, kind: FORECAST_KIND, target: target.id });
  const active = version ? summarizeVersion(version) : null;
  const base = { target: { id: target.id, label: target.label, description: target.description, unit: target.unit }, window, history, active };
  const needed = minimumLength(window.horizon, 1);
  if (history.values.length < needed) {
    return { ...base, forecast: null, reason: `${history.values.length} days of history; at least ${needed} are needed for a ${window.horizon}-day horizon` };
  }
  const seasonLength = active?.seasonLength ?? undefined;
  const key = createHash("sha1").update(JSON.stringify([window.horizon, seasonLength ?? null, history.dates[0], history.values])).digest("hex");
  let forecast = cache.get(key);
  if (!forecast) {
    const end = modelPrediction.startTimer({ model: FORECAST_KIND });
    let result;
    try {
      result = forecastSeries(history.values, { horizon: window.horizon, seasonLength, frequency: "daily" });
    } catch (err) {
      end();
      if (err instanceof SeriesTooShortError) return { ...base, forecast: null, reason: err.message };
      throw err;
    }
    end();
    const last = history.dates[history.dates.length - 1]!;
    // Counts, revenue and users are never negative: a series that never was gets bands cut at 0
    // (which cannot lower their coverage) instead of a band reaching into negative revenue.
    const floor = history.values.every((v) => v >= 0) ? (xs: number[]) => xs.map((x) => Math.max(0, x)) : (xs: number[]) => xs;
    forecast = {
      dates: result.mean.map((_, i) => addDays(last, i + 1)),
      seasonLength: result.seasonLength,
      mean: floor(result.mean),
      lo80: floor(result.lo80),
      hi80: floor(result.hi80),
      lo95: floor(result.lo95),
      hi95: floor(result.hi95),
    };
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, forecast);
  }
  return { ...base, forecast, reason: null };
}
