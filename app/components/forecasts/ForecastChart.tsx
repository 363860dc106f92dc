import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleLinear, scalePoint } from "@visx/scale";
import { Area, LinePath } from "@visx/shape";
import { CHART_WIDTH, ChartSvg, colorAt, formatNumber, MARGIN, thin } from "../charts/chart-kit";
import type { TrendsForecastBand } from "../charts/TrendsChart";

/** The forecast after the history: the trends chart's band shape. */
export type ForecastBandData = TrendsForecastBand;

const HEIGHT = 320;

/**
 * History as a solid line, the forecast as a dashed line starting from the last observed day,
 * and its 95% (lighter) and 80% (darker) prediction intervals as shaded bands.
 */
export function ForecastChart({ label, history, forecast, height = HEIGHT }: { label: string; history: { dates: string[]; values: number[] }; forecast: ForecastBandData | null; height?: number }) {
  const color = colorAt(0);
  const band = colorAt(1);
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const dates = [...history.dates, ...(forecast?.dates ?? [])];
  const n = history.dates.length;
  const all = [...history.values, ...(forecast ? [...forecast.lo95, ...forecast.hi95, ...forecast.mean] : [])];
  const y = scaleLinear<number>({ domain: [Math.min(0, ...all), Math.max(1, ...all)], range: [innerH, 0], nice: true });
  const x = scalePoint<number>({ domain: dates.map((_, i) => i), range: [0, innerW], padding: 0.5 });
  const xOf = (i: number) => x(i) ?? 0;
  // Forecast points indexed from the last observed day, so the bands join the history line.
  const lastIdx = n - 1;
  const lastValue = history.values[lastIdx] ?? 0;
  const fIdx = forecast ? [lastIdx, ...forecast.mean.map((_, h) => n + h)] : [];
  const at = (arr: number[] | undefined, i: number) => (i === lastIdx ? lastValue : (arr?.[i - n] ?? 0));
  const hIdx = history.values.map((_, i) => i);
  return (
    <figure className="forecast-chart" data-testid="forecast-chart">
      <ChartSvg label={label} height={height}>
        <Group left={MARGIN.left} top={MARGIN.top}>
          <GridRows scale={y} width={innerW} numTicks={5} className="chart-grid" />
          {forecast ? (
            <>
              <Area data={fIdx} x={xOf} y0={(i) => y(at(forecast.lo95, i))} y1={(i) => y(at(forecast.hi95, i))}>
                {({ path }) => <path d={path(fIdx) ?? ""} fill={band} fillOpacity={0.15} data-testid="forecast-band-95" />}
              </Area>
              <Area data={fIdx} x={xOf} y0={(i) => y(at(forecast.lo80, i))} y1={(i) => y(at(forecast.hi80, i))}>
                {({ path }) => <path d={path(fIdx) ?? ""} fill={band} fillOpacity={0.3} data-testid="forecast-band-80" />}
              </Area>
              <LinePath data={fIdx} x={xOf} y={(i) => y(at(forecast.mean, i))} stroke={band} strokeWidth={2} strokeDasharray="6 4" data-testid="forecast-mean" />
            </>
          ) : null}
          <LinePath data={hIdx} x={xOf} y={(i) => y(history.values[i] ?? 0)} stroke={color} strokeWidth={2} />
          {hIdx.map((i) => (
            <circle key={i} cx={xOf(i)} cy={y(history.values[i] ?? 0)} r={hIdx.length > 60 ? 1.2 : 2.5} fill={color}>
              <title>{`${history.dates[i]}: ${formatNumber(history.values[i] ?? 0)}`}</title>
            </circle>
          ))}
          {forecast
            ? forecast.mean.map((v, h) => (
                <circle key={`f${h}`} cx={xOf(n + h)} cy={y(v)} r={2} fill={band}>
                  <title>{`${forecast.dates[h]}: ${formatNumber(v)} (80%: ${formatNumber(forecast.lo80[h]!)} to ${formatNumber(forecast.hi80[h]!)}; 95%: ${formatNumber(forecast.lo95[h]!)} to ${formatNumber(forecast.hi95[h]!)})`}</title>
                </circle>
              ))
            : null}
          <AxisLeft scale={y} numTicks={5} tickFormat={(v) => formatNumber(Number(v))} axisClassName="chart-axis" />
          <AxisBottom top={innerH} scale={x} tickValues={thin(dates.map((_, i) => i), 10)} tickFormat={(i) => dates[Number(i)]?.slice(5) ?? ""} axisClassName="chart-axis" />
        </Group>
      </ChartSvg>
      <figcaption className="chart-legend">
        <span><span className="chart-swatch" style={{ background: color }} aria-hidden="true" /> history</span>{" "}
        {forecast ? (
          <>
            <span><span className="chart-swatch" style={{ background: band }} aria-hidden="true" /> forecast</span>{" "}
            <span><span className="chart-swatch" style={{ background: band, opacity: 0.45 }} aria-hidden="true" /> 80% interval</span>{" "}
            <span><span className="chart-swatch" style={{ background: band, opacity: 0.2 }} aria-hidden="true" /> 95% interval</span>
          </>
        ) : null}
      </figcaption>
    </figure>
  );
}

/** A small line of the last days, for the targets list. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 120;
  const h = 32;
  if (values.length < 2) return <span className="muted">–</span>;
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * (w - 2) + 1).toFixed(1)},${(h - 1 - ((v - min) / (max - min || 1)) * (h - 2)).toFixed(1)}`);
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} className="sparkline">
      <polyline points={pts.join(" ")} fill="none" stroke={colorAt(0)} strokeWidth={1.5} />
    </svg>
  );
}
