import { AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import type { FunnelsResult } from "../../../server/query/schema/funnels";
import { BarChart } from "./BarChart";
import { CHART_WIDTH, ChartSvg, colorAt, formatNumber, formatPercent, formatSeconds, Legend, MARGIN } from "./chart-kit";

const HEIGHT = 320;

/**
 * Funnel bars: one group per step, one bar per breakdown value; the bar height is the share of the
 * first step, the faint bar behind it is what dropped off since the previous step.
 */
export function FunnelChart({ result }: { result: FunnelsResult }) {
  const groups = result.breakdowns;
  const first = groups[0]?.steps ?? [];
  const innerW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - 64;
  const x = scaleBand<number>({ domain: first.map((s) => s.index), range: [0, innerW], padding: 0.25 });
  const y = scaleLinear<number>({ domain: [0, 1], range: [innerH, 0] });
  const w = x.bandwidth() / Math.max(1, groups.length);
  const name = (v: string | null) => v ?? "All persons";
  return (
    <div>
      <ChartSvg label="Funnel conversion by step" height={HEIGHT}>
        <Group left={MARGIN.left} top={MARGIN.top}>
          <GridRows scale={y} width={innerW} numTicks={5} className="chart-grid" />
          {groups.map((g, gi) =>
            g.steps.map((s) => {
              const left = (x(s.index) ?? 0) + gi * w;
              const prev = s.index === 0 ? s.fromStart.rate : g.steps[s.index - 1]!.fromStart.rate;
              return (
                <g key={`${gi}-${s.index}`} className="funnel-step" data-step={s.index + 1}>
                  <Bar x={left} y={y(prev)} width={w - 2} height={innerH - y(prev)} fill={colorAt(gi)} opacity={0.15} />
                  <Bar x={left} y={y(s.fromStart.rate)} width={w - 2} height={innerH - y(s.fromStart.rate)} fill={colorAt(gi)}>
                    <title>
                      {`${name(g.breakdownValue)} · ${s.label}: ${s.count} persons, ${formatPercent(s.fromStart.rate)} of step 1 ` +
                        `(95% ${formatPercent(s.fromStart.low)}–${formatPercent(s.fromStart.high)}), ${s.droppedOff} dropped off`}
                    </title>
                  </Bar>
                  <text x={left + (w - 2) / 2} y={y(s.fromStart.rate) - 6} textAnchor="middle" className="chart-value">
                    {formatNumber(s.count)}
                  </text>
                </g>
              );
            }),
          )}
          <AxisLeft scale={y} numTicks={5} tickFormat={(v) => formatPercent(Number(v))} axisClassName="chart-axis" />
          {first.map((s) => (
            <g key={s.index} transform={`translate(${(x(s.index) ?? 0) + x.bandwidth() / 2}, ${innerH + 18})`}>
              <text textAnchor="middle" className="chart-step-label">{`${s.index + 1}. ${truncate(s.label, 22)}`}</text>
              <text textAnchor="middle" y={16} className="chart-step-sub">
                {groups.length === 1 ? `${formatPercent(s.fromStart.rate)} · ${formatSeconds(s.medianSecondsFromPrevious)}` : ""}
              </text>
            </g>
          ))}
        </Group>
      </ChartSvg>
      <Legend items={groups.map((g, i) => ({ label: name(g.breakdownValue), color: colorAt(i) }))} />
      <FunnelSteps result={result} />
      <TimeToConvert result={result} />
    </div>
  );
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The numbers behind the bars, per step: persons, conversion with its interval, drop-off, time. */
function FunnelSteps({ result }: { result: FunnelsResult }) {
  const g = result.breakdowns[0];
  if (!g || result.breakdowns.length > 1) return null;
  return (
    <ol className="funnel-steps" aria-label="Funnel steps">
      {g.steps.map((s) => (
        <li key={s.index} data-step={s.index + 1}>
          <span className="funnel-step-name">{s.label}</span>
          <span className="funnel-step-count" data-testid={`funnel-step-${s.index + 1}-count`}>{s.count}</span>
          <span className="muted">persons</span>
          <span>
            {formatPercent(s.fromStart.rate)} <span className="muted">({formatPercent(s.fromStart.low)}–{formatPercent(s.fromStart.high)})</span>
          </span>
          {s.index > 0 ? (
            <span className="muted">
              {s.droppedOff} dropped off · median {formatSeconds(s.medianSecondsFromPrevious)}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** Seconds from the first to the last step of those who completed the funnel, as a histogram. */
function TimeToConvert({ result }: { result: FunnelsResult }) {
  const { bins, medianSeconds } = result.timeToConvert;
  if (bins.length === 0) return null;
  return (
    <div className="time-to-convert">
      <p className="stat-label">Time to convert · median {formatSeconds(medianSeconds)}</p>
      <BarChart
        label="Time to convert"
        height={200}
        categories={bins.map((b) => formatSeconds(b.fromSeconds))}
        layers={[{ label: "Persons", values: bins.map((b) => b.persons) }]}
      />
    </div>
  );
}
