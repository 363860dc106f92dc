import { EmptyState } from "~/components/EmptyState";

type Row = { key: string; requests: number; errors: number; p50: number | null; p95: number | null; p99: number | null };

const ms = (s: number | null) => (s === null ? "—" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);

/** Latency percentiles per route or procedure, slowest p95 first (the order the server sends). */
export function LatencyTable({ rows, label, testId }: { rows: Row[]; label: string; testId: string }) {
  const shown = rows.filter((r) => r.key !== "*");
  if (shown.length === 0) return <EmptyState title="No samples in this window" />;
  return (
    <table className="table table-compact" data-testid={testId}>
      <thead>
        <tr><th scope="col">{label}</th><th scope="col" className="num">Calls</th><th scope="col" className="num">Errors</th><th scope="col" className="num">p50</th><th scope="col" className="num">p95</th><th scope="col" className="num">p99</th></tr>
      </thead>
      <tbody>
        {shown.map((r) => (
          <tr key={r.key}>
            <td><code>{r.key}</code></td>
            <td className="num">{r.requests}</td>
            <td className={`num${r.errors > 0 ? " text-danger" : ""}`}>{r.errors}</td>
            <td className="num">{ms(r.p50)}</td>
            <td className="num">{ms(r.p95)}</td>
            <td className="num">{ms(r.p99)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
