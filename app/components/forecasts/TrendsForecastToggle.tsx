import { useLocation, useParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { TrendsQuery, TrendsResult } from "../../../server/query/schema/trends";
import { TrendsChart, type TrendsForecastBand } from "../charts/TrendsChart";
import { trpc } from "~/lib/trpc.client";
import { formatAccuracy } from "./format";

type State = { status: "off" } | { status: "loading" } | { status: "error"; message: string } | { status: "ready"; band: TrendsForecastBand | null; note: string };

/**
 * The trends chart with a "Forecast" toggle: on, it asks the forecasts router for the first
 * series' (or the formula's) daily forecast and draws the 80/95% bands after the last bucket.
 * On a saved insight's page the saved insight is forecast (with its trained version's accuracy);
 * elsewhere the query as it stands.
 */
export function TrendsWithForecast({ result, display, query }: { result: TrendsResult; display: string; query: TrendsQuery | null }) {
  const [state, setState] = useState<State>({ status: "off" });
  const params = useParams();
  const savedId = useLocation().pathname.startsWith("/insights/") && params.id && /^[0-9a-f-]{36}$/.test(params.id) ? params.id : null;
  const canForecast = !!query && query.interval === "day" && display !== "bar";
  const on = state.status !== "off";
  useEffect(() => {
    if (!on || !query) return;
    let live = true;
    setState({ status: "loading" });
    const window = { horizon: 14, historyDays: 120 };
    const request = savedId ? trpc.forecasts.insightForecast.query({ insightId: savedId, ...window }) : trpc.forecasts.queryForecast.query({ query, ...window });
    request
      .then((r) => {
        if (!live) return;
        const accuracy = r.active ? ` · backtest MASE ${formatAccuracy(r.active.backtest.mase, "ratio")} (v${r.active.version})` : "";
        setState({ status: "ready", band: r.forecast, note: r.forecast ? `${window.horizon}-day forecast with 80% and 95% intervals${accuracy}` : (r.reason ?? "No forecast") });
      })
      .catch((err: Error) => live && setState({ status: "error", message: err.message }));
    return () => {
      live = false;
    };
    // The query object is rebuilt on each render; its JSON is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [on, savedId, JSON.stringify(query)]);
  // The band continues the chart after its last bucket: steps on or before that day are dropped
  // (a range ending today shows today's partial bucket), and a range ending in the past gets none.
  const band = state.status === "ready" && state.band ? after(state.band, result.buckets[result.buckets.length - 1]?.slice(0, 10) ?? "") : null;
  return (
    <div className="stack">
      <TrendsChart result={result} display={display} interval={query?.interval} forecast={band} />
      {canForecast ? (
        <div className="cluster">
          <label className="field field-inline">
            <input type="checkbox" checked={on} onChange={(e) => setState(e.currentTarget.checked ? { status: "loading" } : { status: "off" })} data-testid="forecast-toggle" />
            <span>Forecast</span>
          </label>
          <span className="muted" role="status">
            {state.status === "loading" ? "Forecasting…" : state.status === "error" ? state.message : state.status === "ready" ? (state.band && !band ? "The forecast starts tomorrow: choose a date range that ends today or yesterday to see it." : state.note) : ""}
          </span>
        </div>
      ) : null}
    </div>
  );
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function after(band: TrendsForecastBand, last: string): TrendsForecastBand | null {
  const keep = band.dates.map((d, i) => (d > last ? i : -1)).filter((i) => i >= 0);
  if (keep.length === 0 || band.dates[keep[0]!] !== nextDay(last)) return null;
  const pick = (a: number[]) => keep.map((i) => a[i]!);
  return { dates: pick(band.dates.map((_, i) => i)).map((i) => band.dates[i]!), mean: pick(band.mean), lo80: pick(band.lo80), hi80: pick(band.hi80), lo95: pick(band.lo95), hi95: pick(band.hi95) };
}
