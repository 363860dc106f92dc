import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear, scalePoint } from "@visx/scale";
import { AreaClosed, Bar, LinePath } from "@visx/shape";
import type { TrendsResult } from "../../../server/query/schema/trends";
import { bucketLabel, CHART_WIDTH, ChartSvg, colorAt, formatNumber, Legend, MARGIN, thin, tickCount } from "./chart-kit";

const HEIGHT = 300;

export function seriesName(s: TrendsResult["series"][number]): string {
  return [s.label, s.breakdownValue ?? null, s.period === "previous" ? "(previous period)" : null].filter(Boolean).join(" · ");
}

/** Trends as lines, areas or grouped bars over the buckets; `number` shows each series' total. */
export function TrendsChart({ result, display, interval }: { result: TrendsResult; display: string; interval?: string }) {
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
  const labels = result.buckets.map((b) => bucketLabel(b, interval));
  const all = series.flatMap((s) => s.data);
  const y = scaleLinear<number>({ domain: [Math.min(0, ...all), Math.max(1, ...all)], range: [innerH, 0], nice: true });
  const idx = result.buckets.map((_, i) => i);
  const band = scaleBand<number>({ domain: idx, range: [0, innerW], padding: 0.2 });
  const point = scalePoint<number>({ domain: idx, range: [0, innerW], padding: 0.5 });
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
          <AxisLeft scale={y} numTicks={tickCount(all)} tickFormat={(v) => formatNumber(Number(v))} axisClassName="chart-axis" />
          <AxisBottom
            top={innerH}
            scale={display === "bar" ? band : point}
            tickValues={thin(idx, 10)}
            tickFormat={(i) => labels[Number(i)] ?? ""}
            axisClassName="chart-axis"
          />
        </Group>
      </ChartSvg>
      <Legend items={series.map((s, i) => ({ label: seriesName(s), color: colorAt(i) }))} />
    </div>
  );
}
