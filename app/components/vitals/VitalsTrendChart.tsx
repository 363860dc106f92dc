import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleLinear, scalePoint } from "@visx/scale";
import { Line, LinePath } from "@visx/shape";
import { CHART_WIDTH, ChartSvg, MARGIN, thin } from "~/components/charts/chart-kit";
import { formatVital, ratingColor, type Rating } from "./format";

const HEIGHT = 260;

export interface TrendPoint {
  day: string;
  metrics: Partial<Record<string, { p75: number; samples: number; rating: Rating }>>;
}

/** Daily p75 of one vital, dots coloured by rating, with the good and poor thresholds as dashed lines. */
export function VitalsTrendChart({ points, metric, good, poor }: { points: TrendPoint[]; metric: string; good: number; poor: number }) {
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = points.map((p) => p.metrics[metric]?.p75).filter((v): v is number => v !== undefined);
  const y = scaleLinear<number>({ domain: [0, Math.max(poor * 1.1, ...values)], range: [innerH, 0], nice: true });
  const x = scalePoint<string>({ domain: points.map((p) => p.day), range: [0, innerW], padding: 0.5 });
  const withData = points.filter((p) => p.metrics[metric]);
  return (
    <ChartSvg label={`Daily p75 of ${metric}`} height={HEIGHT}>
      <Group left={MARGIN.left} top={MARGIN.top}>
        <GridRows scale={y} width={innerW} numTicks={5} className="chart-grid" />
        {([["good", good], ["poor", poor]] as const).map(([r, v]) => (
          <Line key={r} from={{ x: 0, y: y(v) }} to={{ x: innerW, y: y(v) }} stroke={ratingColor[r === "good" ? "good" : "poor"]} strokeDasharray="5 4" strokeWidth={1}>
            <title>{`${r === "good" ? "Good up to" : "Poor above"} ${formatVital(metric, v)}`}</title>
          </Line>
        ))}
        <LinePath
          data={points}
          defined={(p) => p.metrics[metric] !== undefined}
          x={(p) => x(p.day) ?? 0}
          y={(p) => y(p.metrics[metric]?.p75 ?? 0)}
          stroke="#6366f1"
          strokeWidth={2}
        />
        {withData.map((p) => {
          const m = p.metrics[metric]!;
          return (
            <circle key={p.day} cx={x(p.day) ?? 0} cy={y(m.p75)} r={4} fill={ratingColor[m.rating]}>
              <title>{`${p.day}: p75 ${formatVital(metric, m.p75)} (${m.samples} samples)`}</title>
            </circle>
          );
        })}
        <AxisLeft scale={y} numTicks={5} tickFormat={(v) => formatVital(metric, Number(v))} axisClassName="chart-axis" />
        <AxisBottom top={innerH} scale={x} tickValues={thin(points.map((p) => p.day), 8)} tickFormat={(d) => String(d).slice(5)} axisClassName="chart-axis" />
      </Group>
    </ChartSvg>
  );
}
