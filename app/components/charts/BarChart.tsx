import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { CHART_WIDTH, ChartSvg, colorAt, formatNumber, Legend, MARGIN, thin, tickCount } from "./chart-kit";

export interface BarLayer {
  label: string;
  values: number[];
}

/**
 * Bars per category; several layers stack (negative values stack below zero, as lifecycle's
 * dormant persons do).
 */
export function BarChart({ label, categories, layers, height = 300 }: { label: string; categories: string[]; layers: BarLayer[]; height?: number }) {
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const idx = categories.map((_, i) => i);
  const up = idx.map((i) => layers.reduce((a, l) => a + Math.max(0, l.values[i] ?? 0), 0));
  const down = idx.map((i) => layers.reduce((a, l) => a + Math.min(0, l.values[i] ?? 0), 0));
  const x = scaleBand<number>({ domain: idx, range: [0, innerW], padding: 0.2 });
  const y = scaleLinear<number>({ domain: [Math.min(0, ...down), Math.max(1, ...up)], range: [innerH, 0], nice: true });
  const ticks = tickCount(layers.flatMap((l) => l.values));
  const rects: JSX.Element[] = [];
  for (const i of idx) {
    let pos = 0;
    let neg = 0;
    layers.forEach((l, li) => {
      const v = l.values[i] ?? 0;
      if (v === 0) return;
      const from = v > 0 ? pos : neg;
      const to = from + v;
      if (v > 0) pos = to;
      else neg = to;
      rects.push(
        <Bar key={`${li}-${i}`} x={x(i) ?? 0} y={y(Math.max(from, to))} width={x.bandwidth()} height={Math.abs(y(from) - y(to))} fill={colorAt(li)}>
          <title>{`${categories[i]} · ${l.label}: ${formatNumber(v)}`}</title>
        </Bar>,
      );
    });
  }
  return (
    <div>
      <ChartSvg label={label} height={height}>
        <Group left={MARGIN.left} top={MARGIN.top}>
          <GridRows scale={y} width={innerW} numTicks={ticks} className="chart-grid" />
          {rects}
          <line x1={0} x2={innerW} y1={y(0)} y2={y(0)} className="chart-zero" />
          <AxisLeft scale={y} numTicks={ticks} tickFormat={(v) => formatNumber(Number(v))} axisClassName="chart-axis" />
          <AxisBottom top={innerH} scale={x} tickValues={thin(idx, 12)} tickFormat={(i) => categories[Number(i)] ?? ""} axisClassName="chart-axis" />
        </Group>
      </ChartSvg>
      <Legend items={layers.map((l, i) => ({ label: l.label, color: colorAt(i) }))} />
    </div>
  );
}
