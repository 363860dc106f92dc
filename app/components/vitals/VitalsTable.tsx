import { Badge } from "~/components/Badge";
import { formatNumber } from "~/components/charts/chart-kit";
import { formatVital, ratingLabel, ratingTone, type Rating } from "./format";
import { RatingShares } from "./RatingShares";

export interface VitalCell {
  samples: number;
  p75: number;
  rating: Rating;
  shares: { good: number; needsImprovement: number; poor: number };
}

export interface VitalsTableRow {
  page: string;
  device: string | null;
  pageLoads: number;
  metrics: Partial<Record<string, VitalCell>>;
}

const pageName = (page: string) => (page === "*" ? "All pages" : page);

/** p75 per page and device with a rating badge and the shares of good / needs-improvement / poor samples. */
export function VitalsTable({ rows, metrics, testId }: { rows: VitalsTableRow[]; metrics: string[]; testId: string }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Page</th>
            <th scope="col">Device</th>
            <th scope="col" className="num">Page loads</th>
            {metrics.map((m) => (
              <th key={m} scope="col">{m} p75</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.page}|${r.device ?? "*"}`} className={r.device === null ? undefined : "row-muted"}>
              <td>{r.device === null ? <strong>{pageName(r.page)}</strong> : <span className="sr-only">{pageName(r.page)}</span>}</td>
              <td>{r.device ?? "All devices"}</td>
              <td className="num">{formatNumber(r.pageLoads)}</td>
              {metrics.map((m) => {
                const c = r.metrics[m];
                if (!c) return <td key={m} className="muted">–</td>;
                return (
                  <td key={m} data-metric={m}>
                    <span className="num">{formatVital(m, c.p75)}</span>{" "}
                    <Badge tone={ratingTone[c.rating]} title={`${c.samples} samples`}>{ratingLabel[c.rating]}</Badge>
                    <RatingShares shares={c.shares} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
