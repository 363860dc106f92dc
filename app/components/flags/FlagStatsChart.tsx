const COLORS = ["#4f46e5", "#16a34a", "#ea580c", "#0891b2", "#be185d", "#65a30d", "#7c3aed", "#ca8a04"];

export interface StatRow {
  day: string;
  variant: string;
  evaluations: number;
  exposures: number;
}

/** Evaluations per day as stacked bars by variant, with a table of the same numbers (exposures beside them). */
export function FlagStatsChart({ rows }: { rows: StatRow[] }) {
  if (rows.length === 0) return <p className="muted">No evaluations or exposures yet.</p>;
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const variants = [...new Set(rows.map((r) => r.variant))].sort();
  const at = new Map(rows.map((r) => [`${r.day}|${r.variant}`, r]));
  const totals = days.map((d) => variants.reduce((s, v) => s + (at.get(`${d}|${v}`)?.evaluations ?? 0), 0));
  const max = Math.max(1, ...totals);
  const W = 640, H = 180, pad = 24;
  const bw = (W - pad * 2) / days.length;
  return (
    <div className="stack" data-testid="flag-stats">
      <svg viewBox={`0 0 ${W} ${H + 20}`} role="img" aria-label="Evaluations per day by variant" style={{ width: "100%", maxWidth: W }}>
        {days.map((d, i) => {
          let y = H;
          return (
            <g key={d}>
              {variants.map((v, k) => {
                const n = at.get(`${d}|${v}`)?.evaluations ?? 0;
                const h = (n / max) * (H - pad);
                y -= h;
                return <rect key={v} x={pad + i * bw + 2} y={y} width={Math.max(1, bw - 4)} height={h} fill={COLORS[k % COLORS.length]}><title>{`${d} ${v}: ${n}`}</title></rect>;
              })}
              {days.length <= 14 || i % Math.ceil(days.length / 14) === 0 ? (
                <text x={pad + i * bw + bw / 2} y={H + 14} fontSize={10} textAnchor="middle">{d.slice(5)}</text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div className="cluster">
        {variants.map((v, k) => (
          <span key={v} className="cluster"><span aria-hidden="true" style={{ display: "inline-block", width: 10, height: 10, background: COLORS[k % COLORS.length] }} /> {v}</span>
        ))}
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr><th scope="col">Day</th><th scope="col">Variant</th><th scope="col" className="num">Evaluations</th><th scope="col" className="num">Exposures</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.day}|${r.variant}`}><td>{r.day}</td><td>{r.variant}</td><td className="num">{r.evaluations.toLocaleString("en")}</td><td className="num">{r.exposures.toLocaleString("en")}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
