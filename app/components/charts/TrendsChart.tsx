import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear, scalePoint } from "@visx/scale";
import { Area, AreaClosed, Bar, LinePath } from "@visx/shape";
import type { TrendsResult } from "../../../server/query/schema/trends";
import { bucketLabel, CHART_WIDTH, ChartSvg, colorAt, formatNumber, Legend, MARGIN, thin, tickCount } from "./chart-kit";

const HEIGHT = 300;

export function seriesName(s: TrendsResult["series"][number]): string {
  return [s.label, s.breakdownValue ?? null, s.period === "previous" ? "(previous period)" : null].filter(Boolean).join(" · ");
}

/** A forecast drawn after the last bucket (dates, mean and 80/95% bounds per step). */
export interface TrendsForecastBand {
  dates: string[];
  mean: number[];
  lo80: number[];
  hi80: number[];
  lo95: number[];
  hi95: number[];
}

/** Trends as lines, areas or grouped bars over the buckets; `number` shows each series' total; `forecast` extends the first series (lines and areas). */
export function TrendsChart({ result, display, interval, forecast: forecastBand }: { result: TrendsResult; display: string; interval?: string; forecast?: TrendsForecastBand | null }) {
  const series = result.series;
  if (display === "number") {
    return (
      <div className="trend-numbers">
        {series.map((s, i) => (
          <div key={i} className="trend-number">
            <div className="stat-label">{seriesName(s)}</div>
            <div className="trend-number-value">{formatNumber(s.total)}</div>
          </div>
        ))}
      </div>
    );
  }
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const forecast = display === "bar" ? null : (forecastBand ?? null);
  const n = result.buckets.length;
  const labels = [...result.buckets.map((b) => bucketLabel(b, interval)), ...(forecast?.dates.map((d) => d.slice(5)) ?? [])];
  const all = [...series.flatMap((s) => s.data), ...(forecast ? [...forecast.lo95, ...forecast.hi95] : [])];
  const y = scaleLinear<number>({ domain: [Math.min(0, ...all), Math.max(1, ...all)], range: [innerH, 0], nice: true });
  const idx = result.buckets.map((_, i) => i);
  const xIdx = labels.map((_, i) => i);
  const fIdx = forecast ? [n - 1, ...forecast.mean.map((_, h) => n + h)] : [];
  const fAt = (arr: number[], i: number) => (i === n - 1 ? (series[0]?.data[n - 1] ?? 0) : (arr[i - n] ?? 0));
  const band = scaleBand<number>({ domain: idx, range: [0, innerW], padding: 0.2 });
  const point = scalePoint<number>({ domain: xIdx, range: [0, innerW], padding: 0.5 });
  const xOf = (i: number) => (display === "bar" ? (band(i) ?? 0) + band.bandwidth() / 2 : (point(i) ?? 0));
  const groupW = band.bandwidth() / Math.max(1, series.length);
  return (
    <div>
      <ChartSvg label={`Trend of ${series.map(seriesName).join(", ")}`} height={HEIGHT}>
        <Group left={MARGIN.left} top={MARGIN.top}>
          <GridRows scale={y} width={innerW} numTicks={tickCount(all)} className="chart-grid" />
          {series.map((s, si) => {
            const color = colorAt(si);
            const dashed = s.period === "previous" ? "5 4" : undefined;
            if (display === "bar") {
              return s.data.map((v, i) => (
                <Bar
                  key={`${si}-${i}`}
                  x={(band(i) ?? 0) + si * groupW}
                  y={y(Math.max(0, v))}
                  width={Math.max(1, groupW - 1)}
                  height={Math.abs(y(v) - y(0))}
                  fill={color}
                  opacity={s.period === "previous" ? 0.5 : 1}
                >
                  <title>{`${seriesName(s)} · ${labels[i]}: ${formatNumber(v)}`}</title>
                </Bar>
              ));
            }
            return (
              <g key={si}>
                {display === "area" ? (
                  <AreaClosed data={idx} x={xOf} y={(i) => y(s.data[i] ?? 0)} yScale={y} fill={color} fillOpacity={0.18} />
                ) : null}
                <LinePath data={idx} x={xOf} y={(i) => y(s.data[i] ?? 0)} stroke={color} strokeWidth={2} strokeDasharray={dashed} />
                {s.data.map((v, i) => (
                  <circle key={i} cx={xOf(i)} cy={y(v)} r={idx.length > 60 ? 1.5 : 3} fill={color}>
                    <title>{`${seriesName(s)} · ${labels[i]}: ${formatNumber(v)}`}</title>
                  </circle>
                ))}
              </g>
            );
          })}
          {forecast ? (
            <g data-testid="trends-forecast">
              <Area data={fIdx} x={xOf} y0={(i) => y(fAt(forecast.lo95, i))} y1={(i) => y(fAt(forecast.hi95, i))}>
                {({ path }) => <path d={path(fIdx) ?? ""} fill={colorAt(0)} fillOpacity={0.12} data-testid="trends-forecast-band-95" />}
              </Area>
              <Area data={fIdx} x={xOf} y0={(i) => y(fAt(forecast.lo80, i))} y1={(i) => y(fAt(forecast.hi80, i))}>
                {({ path }) => <path d={path(fIdx) ?? ""} fill={colorAt(0)} fillOpacity={0.25} data-testid="trends-forecast-band-80" />}
              </Area>
              <LinePath data={fIdx} x={xOf} y={(i) => y(fAt(forecast.mean, i))} stroke={colorAt(0)} strokeWidth={2} strokeDasharray="6 4" />
            </g>
          ) : null}
          <AxisLeft scale={y} numTicks={tickCount(all)} tickFormat={(v) => formatNumber(Number(v))} axisClassName="chart-axis" />
          <AxisBottom
            top={innerH}
            scale={display === "bar" ? band : point}
            tickValues={thin(display === "bar" ? idx : xIdx, 10)}
            tickFormat={(i) => labels[Number(i)] ?? ""}
            axisClassName="chart-axis"
          />
        </Group>
      </ChartSvg>
      <Legend items={series.map((s, i) => ({ label: seriesName(s), color: colorAt(i) }))} />
    </div>
  );
}
