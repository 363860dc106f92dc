import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleLinear, scalePoint } from "@visx/scale";
import { Area, Line, LinePath } from "@visx/shape";
import { CHART_WIDTH, ChartSvg, formatNumber, MARGIN, PALETTE } from "../charts/chart-kit";

const HEIGHT = 280;

export interface PricePoint {
  date: string;
  predictedPrice: number;
  lower: number;
  upper: number;
}

/** Today's price, then the forecast by booking date with its 80% band; the best booking date is marked. */
export function PriceForecastChart({ today, currentPrice, forecast, bestBookingDate }: { today: string; currentPrice: number; forecast: PricePoint[]; bestBookingDate: string }) {
  const points: PricePoint[] = [{ date: today, predictedPrice: currentPrice, lower: currentPrice, upper: currentPrice }, ...forecast];
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const lo = Math.min(...points.map((p) => p.lower));
  const hi = Math.max(...points.map((p) => p.upper));
  const y = scaleLinear<number>({ domain: [lo * 0.95, hi * 1.05], range: [innerH, 0], nice: true });
  const x = scalePoint<string>({ domain: points.map((p) => p.date), range: [0, innerW], padding: 0.4 });
  const px = (p: PricePoint) => x(p.date) ?? 0;
  const color = PALETTE[0]!;
  return (
    <ChartSvg label={`Price forecast from ${today}: ${forecast.length} booking days with an 80% band`} height={HEIGHT}>
      <Group left={MARGIN.left} top={MARGIN.top}>
        <GridRows scale={y} width={innerW} numTicks={5} className="chart-grid" />
        <Area data={points} x={px} y0={(p) => y(p.lower)} y1={(p) => y(p.upper)} fill={color} opacity={0.18} data-testid="price-band" />
        <LinePath data={points} x={px} y={(p) => y(p.predictedPrice)} stroke={color} strokeWidth={2} />
        <Line from={{ x: 0, y: y(currentPrice) }} to={{ x: innerW, y: y(currentPrice) }} stroke={PALETTE[2]} strokeDasharray="4 4" />
        {points.map((p, i) => (
          <circle key={p.date} cx={px(p)} cy={y(p.predictedPrice)} r={p.date === bestBookingDate ? 6 : 3.5} fill={p.date === bestBookingDate ? PALETTE[3] : color}>
            <title>{i === 0 ? `Today ${p.date}: ${formatNumber(p.predictedPrice)}` : `${p.date}: ${formatNumber(p.predictedPrice)} (80%: ${formatNumber(p.lower)}–${formatNumber(p.upper)})`}</title>
          </circle>
        ))}
        <AxisLeft scale={y} numTicks={5} tickFormat={(v) => formatNumber(Number(v))} axisClassName="chart-axis" />
        <AxisBottom top={innerH} scale={x} tickFormat={(d) => (d === today ? "today" : String(d).slice(5))} axisClassName="chart-axis" />
      </Group>
    </ChartSvg>
  );
}
