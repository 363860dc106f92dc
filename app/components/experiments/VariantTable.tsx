import { Badge } from "~/components/Badge";

export interface ArmRow {
  key: string;
  n: number;
  value: number;
  adjusted: number | null;
}

export interface VariantStats {
  key: string;
  sequential: { pValue: number | null; adjustedPValue: number | null; ciLow: number | null; ciHigh: number | null; series: { estimate: number }[] };
  fixedHorizon: { diff: number; pValue: number | null; adjustedPValue: number | null; ciLow: number | null; ciHigh: number | null; relativeLift: number | null; relativeCiLow: number | null; relativeCiHigh: number | null };
  bayesian: { chanceToBeatControl: number };
  verdict: string;
}

export interface MetricView {
  label: string;
  role: string;
  kind: "proportion" | "mean";
  higherIsBetter: boolean;
  arms: ArmRow[];
  holdout: ArmRow | null;
  cuped: { theta: number; varianceReduction: number } | null;
  variants: VariantStats[];
  pending: string | null;
}

const p = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x < 0.0001 ? "< 0.0001" : x.toFixed(4));
const signed = (x: number, d: number) => `${x >= 0 ? "+" : ""}${x.toFixed(d)}`;

/** Intervals are infinite (null once serialised) until the arms vary. */
function diffText(kind: MetricView["kind"], v: number | null) {
  if (v === null || !Number.isFinite(v)) return v !== null && v > 0 ? "+∞" : v !== null ? "−∞" : "∞";
  return kind === "proportion" ? `${signed(v * 100, 2)} pp` : signed(v, Math.abs(v) >= 100 ? 0 : 3);
}

function valueText(kind: MetricView["kind"], v: number) {
  return kind === "proportion" ? `${(v * 100).toFixed(2)}%` : v.toFixed(Math.abs(v) >= 100 ? 0 : 3);
}

const verdictBadge = (verdict: string, higherIsBetter: boolean) => {
  if (verdict === "variant-better") return <Badge tone={higherIsBetter ? "success" : "danger"}>{higherIsBetter ? "better" : "worse (higher)"}</Badge>;
  if (verdict === "variant-worse") return <Badge tone={higherIsBetter ? "danger" : "success"}>{higherIsBetter ? "worse" : "better (lower)"}</Badge>;
  if (verdict === "sample-ratio-mismatch") return <Badge tone="warning">split mismatch</Badge>;
  return <Badge>no clear difference</Badge>;
};

/**
 * Per variant: people, the metric (CUPED-adjusted beside it for means), the difference against
 * the control with its always-valid interval (the default), the fixed-horizon interval and
 * relative lift, adjusted p-values, and the Bayesian chance to beat the control.
 */
export function VariantTable({ metric, testId }: { metric: MetricView; testId?: string }) {
  const stats = new Map(metric.variants.map((v) => [v.key, v]));
  const rows = [...metric.arms, ...(metric.holdout ? [metric.holdout] : [])];
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col" className="num">People</th>
            <th scope="col" className="num">{metric.kind === "proportion" ? "Rate" : "Per person"}</th>
            {metric.cuped ? <th scope="col" className="num">CUPED-adjusted</th> : null}
            <th scope="col">Difference (always-valid 95% interval)</th>
            <th scope="col" className="num">p (always-valid, adjusted)</th>
            <th scope="col">Fixed-horizon interval · relative lift</th>
            <th scope="col" className="num">Chance to beat control</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a, i) => {
            const s = stats.get(a.key);
            const last = s?.sequential.series[s.sequential.series.length - 1];
            return (
              <tr key={a.key}>
                <th scope="row">{a.key}{i === 0 ? <span className="muted"> (control)</span> : a.key === "holdout" ? <span className="muted"> (not tested)</span> : null}</th>
                <td className="num">{a.n.toLocaleString("en")}</td>
                <td className="num">{valueText(metric.kind, a.value)}</td>
                {metric.cuped ? <td className="num">{a.adjusted === null ? "—" : valueText(metric.kind, a.adjusted)}</td> : null}
                <td>{s && last ? `${diffText(metric.kind, last.estimate)} (${diffText(metric.kind, s.sequential.ciLow)} to ${diffText(metric.kind, s.sequential.ciHigh)})` : "—"}</td>
                <td className="num">{s ? `${p(s.sequential.pValue)} · ${p(s.sequential.adjustedPValue)}` : "—"}</td>
                <td>
                  {s
                    ? `${diffText(metric.kind, s.fixedHorizon.ciLow)} to ${diffText(metric.kind, s.fixedHorizon.ciHigh)}${s.fixedHorizon.relativeLift === null ? "" : ` · ${signed(s.fixedHorizon.relativeLift * 100, 1)}%`}`
                    : "—"}
                </td>
                <td className="num">{s ? `${(s.bayesian.chanceToBeatControl * 100).toFixed(1)}%` : "—"}</td>
                <td>{s ? verdictBadge(s.verdict, metric.higherIsBetter) : null}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {metric.pending ? <p className="muted">Not analysed yet: {metric.pending}.</p> : null}
      {metric.cuped ? <p className="muted">CUPED with the same measure before exposure: theta {metric.cuped.theta.toFixed(3)}, variance reduced by {(metric.cuped.varianceReduction * 100).toFixed(1)}%.</p> : null}
    </div>
  );
}
