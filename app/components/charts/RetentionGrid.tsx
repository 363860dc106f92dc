import type { RetentionResult } from "../../../server/query/schema/retention";
import { formatPercent } from "./chart-kit";

/** The cohort matrix as a heatmap table: the cell shade is the retention rate. */
export function RetentionGrid({ result, period }: { result: RetentionResult; period: string }) {
  return (
    <div className="stack">
      {result.breakdowns.map((b, bi) => {
        const periods = Math.max(0, ...b.cohorts.map((c) => c.values.length));
        return (
          <div key={bi} className="table-wrap">
            {result.breakdowns.length > 1 ? <h3 className="section-title">{b.breakdownValue ?? "All persons"}</h3> : null}
            <table className="table table-compact retention-grid">
              <thead>
                <tr>
                  <th scope="col">Cohort</th>
                  <th scope="col">Persons</th>
                  {Array.from({ length: periods }, (_, k) => (
                    <th key={k} scope="col">{`${period[0]!.toUpperCase()}${period.slice(1)} ${k}`}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.cohorts.map((c) => (
                  <tr key={c.start}>
                    <th scope="row" className="nowrap">{c.start.slice(0, 10)}</th>
                    <td>{c.size}</td>
                    {Array.from({ length: periods }, (_, k) => {
                      const v = c.values[k];
                      if (!v) return <td key={k} className="retention-empty" />;
                      return (
                        <td
                          key={k}
                          className="retention-cell"
                          style={{ background: `rgb(99 102 241 / ${(0.08 + v.rate * 0.82).toFixed(3)})`, color: v.rate > 0.55 ? "#fff" : undefined }}
                          title={`${v.count} of ${c.size} (95% ${formatPercent(v.low)}–${formatPercent(v.high)})`}
                        >
                          {formatPercent(v.rate)}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}
