import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleLinear, scaleTime } from "@visx/scale";
import { Area, LinePath, Line } from "@visx/shape";
import { CHART_WIDTH, ChartSvg, colorAt, Legend, MARGIN } from "~/components/charts/chart-kit";

const HEIGHT = 280;

export interface SequencePoint {
  at: string;
  estimate: number;
  ciLow: number;
  ciHigh: number;
}

/**
 * The primary metric's difference against the control over time, one line per variant, with its
 * always-valid confidence sequence as a band (it only narrows: the running intersection). A band
 * that leaves zero means a difference that holds however often the chart was looked at.
 */
export function ConfidenceSequenceChart({ series, percent }: { series: { key: string; points: SequencePoint[] }[]; percent: boolean }) {
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.ciLow) && Number.isFinite(p.ciHigh));
  if (points.length === 0) return <p className="muted">No looks with enough people yet.</p>;
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const times = points.map((p) => new Date(p.at).getTime());
  const x = scaleTime<number>({ domain: [new Date(Math.min(...times)), new Date(Math.max(...times) + 1)], range: [0, innerW] });
  // The first looks' bands can be very wide: clip the scale at a few times the latest band.
  const last = series.flatMap((s) => s.points.slice(-1));
  const span = Math.max(1e-9, ...last.map((p) => p.ciHigh - p.ciLow));
  const lo = Math.max(Math.min(0, ...points.map((p) => p.ciLow)), Math.min(0, ...last.map((p) => p.ciLow)) - 2 * span);
  const hi = Math.min(Math.max(0, ...points.map((p) => p.ciHigh)), Math.max(0, ...last.map((p) => p.ciHigh)) + 2 * span);
  // A difference of rates lies within -100 to +100 percentage points.
  const y = scaleLinear<number>({ domain: percent ? [Math.max(-1, lo), Math.min(1, hi)] : [lo, hi], range: [innerH, 0], nice: true, clamp: true });
  const fmt = (v: number) => (percent ? `${(v * 100).toFixed(1)} pp` : v.toPrecision(3));
  return (
    <div data-testid="sequence-chart">
      <ChartSvg label={`Difference against the control over time, with its always-valid confidence sequence`} height={HEIGHT}>
        <Group left={MARGIN.left} top={MARGIN.top}>
          <GridRows scale={y} width={innerW} numTicks={5} className="chart-grid" />
          <Line from={{ x: 0, y: y(0) }} to={{ x: innerW, y: y(0) }} stroke="currentColor" strokeDasharray="4 4" opacity={0.6} />
          {series.map((s, i) => {
            const valid = s.points.filter((p) => Number.isFinite(p.ciLow) && Number.isFinite(p.ciHigh));
            const px = (p: SequencePoint) => x(new Date(p.at));
            return (
              <g key={s.key}>
                <Area data={valid} x={px} y0={(p) => y(p.ciLow)} y1={(p) => y(p.ciHigh)} fill={colorAt(i + 1)} opacity={0.18} />
                <LinePath data={valid} x={px} y={(p) => y(p.estimate)} stroke={colorAt(i + 1)} strokeWidth={2} />
                {valid.map((p) => (
                  <circle key={p.at} cx={px(p)} cy={y(p.estimate)} r={2.5} fill={colorAt(i + 1)}>
                    <title>{`${s.key} ${p.at.slice(0, 10)}: ${fmt(p.estimate)} (${fmt(p.ciLow)} to ${fmt(p.ciHigh)})`}</title>
                  </circle>
                ))}
              </g>
            );
          })}
          <AxisLeft scale={y} numTicks={5} tickFormat={(v) => fmt(Number(v))} />
          <AxisBottom top={innerH} scale={x} numTicks={6} tickFormat={(d) => (d as Date).toISOString().slice(5, 10)} />
        </Group>
      </ChartSvg>
      <Legend items={series.map((s, i) => ({ label: `${s.key} − control`, color: colorAt(i + 1) }))} />
    </div>
  );
}
