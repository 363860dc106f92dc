/** The backtest accuracy of the active price model, shown beside the advice. */
export interface PriceMetricsView {
  mase: number;
  smape: number;
  naiveSmape: number;
  coverage80: number | null;
  coverage95: number | null;
  holdoutDays: number;
  holdoutSearches: number;
}

const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(0)}%`);

export function ModelAccuracy({ version, metrics, trainedThrough }: { version: number; metrics: PriceMetricsView; trainedThrough: string }) {
  return (
    <div className="stat-row" data-testid="price-model-accuracy">
      <div className="stat-tile">
        <div className="stat-label">Model version</div>
        <div className="stat-value">v{version}</div>
        <div className="stat-hint">searches up to {trainedThrough}</div>
      </div>
      <div className="stat-tile">
        <div className="stat-label">Backtest error (sMAPE)</div>
        <div className="stat-value">{metrics.smape.toFixed(1)}%</div>
        <div className="stat-hint">route median: {metrics.naiveSmape.toFixed(1)}% · MASE {metrics.mase.toFixed(2)}</div>
      </div>
      <div className="stat-tile">
        <div className="stat-label">80% band coverage</div>
        <div className="stat-value">{pct(metrics.coverage80)}</div>
        <div className="stat-hint">95% band: {pct(metrics.coverage95)} · {metrics.holdoutSearches} held-out searches, last {metrics.holdoutDays} days</div>
      </div>
    </div>
  );
}
