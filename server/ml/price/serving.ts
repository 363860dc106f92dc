import type { PoolLike } from "../../../ml/registry/db";
import { activeVersion, getVersion } from "../../../ml/registry/registry";
import { recordPredictions, type PredictionRow } from "../../../ml/registry/predictions";
import { modelPrediction } from "../../monitoring/metrics";
import { DAY_MS } from "./features";
import { PriceForecaster } from "./forecaster";
import { NotEnoughDataError } from "./model-set";
import type { BestTimeToBookInput, PriceForecastAnswer, PriceForecastInput } from "./schema";
import { decodeBundle, priceModelKey, trainPriceModels } from "./train";

/**
 * Serving price forecasts from memory. Each project's active version is loaded once and kept;
 * a check for a newly promoted version runs in the background at most every `recheckMs`, so a
 * call never waits for the database once the model is loaded. With no version yet, the first
 * call trains one (one training at a time per project). Predictions are recorded in the
 * background, once per version, query and day, for the reconcile job.
 */
export interface PriceServiceOptions {
  recheckMs?: number;
  now?: () => Date;
  onError?: (err: unknown, what: string) => void;
}

interface Entry {
  forecaster: PriceForecaster | null;
  checkedAt: number;
  pending: Promise<PriceForecaster> | null;
  rechecking: boolean;
  /** Why the last attempt found no model, and when: callers get it again for a minute instead of a new scan of the events. */
  missing: { error: NoPriceModelError; at: number } | null;
}

const MISSING_TTL_MS = 60_000;

export class NoPriceModelError extends Error {}

/** Prediction targets: "<origin>-<destination>/<cabin>/<depart date>"; for_date is the booking date. */
export const priceTarget = (i: { origin: string; destination: string; cabinClass: string; departDate: string }) =>
  `${i.origin}-${i.destination}/${i.cabinClass}/${i.departDate}`;

export function parsePriceTarget(target: string): { origin: string; destination: string; cabinClass: string; departDate: string } | null {
  const m = /^([A-Z]{3})-([A-Z]{3})\/([a-z_]+)\/(\d{4}-\d{2}-\d{2})$/.exec(target);
  return m ? { origin: m[1]!, destination: m[2]!, cabinClass: m[3]!, departDate: m[4]! } : null;
}

export class PriceService {
  private readonly entries = new Map<string, Entry>();
  private readonly recorded = new Set<string>();
  private queue: { versionId: string; projectId: string; target: string; rows: PredictionRow[] }[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly recheckMs: number;
  readonly now: () => Date;

  constructor(
    private readonly pool: PoolLike,
    private readonly opts: PriceServiceOptions = {},
  ) {
    this.recheckMs = opts.recheckMs ?? 5000;
    this.now = opts.now ?? (() => new Date());
  }

  today(): number {
    return Math.floor(this.now().getTime() / DAY_MS);
  }

  /** The active model of a project, from memory when loaded. */
  async forecaster(projectId: string): Promise<PriceForecaster> {
    let entry = this.entries.get(projectId);
    if (!entry) this.entries.set(projectId, (entry = { forecaster: null, checkedAt: 0, pending: null, rechecking: false, missing: null }));
    if (entry.forecaster) {
      if (Date.now() - entry.checkedAt > this.recheckMs && !entry.rechecking) void this.recheck(projectId, entry);
      return entry.forecaster;
    }
    if (entry.missing && Date.now() - entry.missing.at < MISSING_TTL_MS) throw entry.missing.error;
    const e = entry;
    e.pending ??= this.loadOrTrain(projectId, e)
      .catch((err) => {
        if (err instanceof NoPriceModelError) e.missing = { error: err, at: Date.now() };
        throw err;
      })
      .finally(() => (e.pending = null));
    return e.pending;
  }

  /** Forget a project's model (after a retrain in this process): the next call loads the active one. */
  invalidate(projectId: string): void {
    this.entries.delete(projectId);
  }

  private async loadOrTrain(projectId: string, entry: Entry): Promise<PriceForecaster> {
    let row = await activeVersion(this.pool, priceModelKey(projectId));
    if (!row) {
      try {
        await trainPriceModels(this.pool, projectId, { now: this.now() });
      } catch (err) {
        if (err instanceof NotEnoughDataError) throw new NoPriceModelError(`No price model yet: ${err.message}`);
        throw err;
      }
      row = await activeVersion(this.pool, priceModelKey(projectId));
      if (!row) throw new NoPriceModelError("No price model could be promoted");
    }
    if (!row.artifact) throw new Error(`price model version ${row.version} has no artifact`);
    entry.forecaster = new PriceForecaster(decodeBundle(row.artifact), { id: row.id, version: row.version });
    entry.checkedAt = Date.now();
    return entry.forecaster;
  }

  private async recheck(projectId: string, entry: Entry): Promise<void> {
    entry.rechecking = true;
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `select id from model_versions where project_id = $1 and kind = 'price' and target = 'routes' and active`,
        [projectId],
      );
      const id = rows[0]?.id;
      if (id && id !== entry.forecaster?.version.id) {
        const row = await getVersion(this.pool, id);
        if (row?.artifact) entry.forecaster = new PriceForecaster(decodeBundle(row.artifact), { id: row.id, version: row.version });
      }
      entry.checkedAt = Date.now();
    } catch (err) {
      this.opts.onError?.(err, "reloading the price model");
    } finally {
      entry.rechecking = false;
    }
  }

  async priceForecast(projectId: string, input: PriceForecastInput): Promise<PriceForecastAnswer> {
    const f = await this.forecaster(projectId);
    const start = performance.now();
    const { points, ...answer } = f.forecast(input, this.today());
    modelPrediction.observe({ model: "price" }, (performance.now() - start) / 1000);
    const target = priceTarget(input);
    const mark = `${f.version.id}|${target}|${points[0]!.date}`;
    if (!this.recorded.has(mark)) {
      if (this.recorded.size > 200_000) this.recorded.clear();
      this.recorded.add(mark);
      this.queue.push({
        versionId: f.version.id,
        projectId,
        target,
        rows: points.map((p) => ({ forDate: p.date, horizon: p.horizon, predicted: p.price, lower80: p.lower80, upper80: p.upper80, lower95: p.lower95, upper95: p.upper95 })),
      });
      this.flushTimer ??= setTimeout(() => void this.flush(), 1000).unref();
    }
    return answer;
  }

  async bestTimeToBook(projectId: string, input: BestTimeToBookInput) {
    return (await this.forecaster(projectId)).bestTimeToBook(input, this.today());
  }

  /** Writes the queued predictions (also called on shutdown and by tests). */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(async () => {
      for (const b of batch) {
        try {
          await recordPredictions(this.pool, b.versionId, { projectId: b.projectId, kind: "price", target: b.target }, b.rows);
        } catch (err) {
          this.opts.onError?.(err, "recording price predictions");
        }
      }
    });
    return this.flushing;
  }
}
