import { formatAccuracy } from "./format";

interface Active {
  version: number;
  backtest: { mase: number | null; smape: number | null; origins: number | null; horizon: number | null };
  live: { n: number; mae: number | null; smape: number | null; coverage80: number | null; coverage95: number | null } | null;
}

/** Backtest accuracy of the active version beside its live accuracy from reconciled predictions. */
export function Accuracy({ active }: { active: Active | null }) {
  if (!active) return <p className="muted" data-testid="accuracy">No trained version yet: retrain to get one. The forecast above is computed from the history alone.</p>;
  const live = active.live && active.live.n > 0 ? active.live : null;
  return (
    <div className="grid grid-2" data-testid="accuracy">
      <div className="stack">
        <h3>Backtest (v{active.version})</h3>
        <div className="stat-row">
          <Tile label="MASE" value={formatAccuracy(active.backtest.mase, "ratio")} testId="backtest-mase" />
          <Tile label="sMAPE" value={formatAccuracy(active.backtest.smape, "percent")} testId="backtest-smape" />
        </div>
        <p className="muted">
          Rolling-origin backtest over {active.backtest.origins ?? "–"} origins, {active.backtest.horizon ?? "–"} days ahead. MASE below 1 beats a seasonal naive forecast.
        </p>
      </div>
      <div className="stack">
        <h3>Live</h3>
        {live ? (
          <>
            <div className="stat-row">
              <Tile label="sMAPE" value={formatAccuracy(live.smape, "percent")} testId="live-smape" />
              <Tile label="MAE" value={formatAccuracy(live.mae, "ratio")} testId="live-mae" />
              <Tile label="80% covered" value={formatAccuracy(live.coverage80, "share")} testId="live-coverage80" />
              <Tile label="95% covered" value={formatAccuracy(live.coverage95, "share")} testId="live-coverage95" />
            </div>
            <p className="muted">From {live.n} reconciled predictions of this version.</p>
          </>
        ) : (
          <p className="muted" data-testid="live-none">No reconciled predictions yet: they arrive as forecast days pass (the reconcile job runs hourly).</p>
        )}
      </div>
    </div>
  );
}

function Tile({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="stat-tile">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>{value}</div>
    </div>
  );
}
