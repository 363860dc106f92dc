import type { PeakHoursResult, RevenueResult } from "../../../server/query/schema/revenue";
import { BarChart } from "./BarChart";
import { bucketLabel, formatNumber, formatPercent } from "./chart-kit";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const label = (v: string | null) => (v ?? "(none)").slice(0, 18);

/** Bookings per weekday and hour (project timezone) as a heatmap table. */
function PeakHoursGrid({ result }: { result: PeakHoursResult }) {
  const max = Math.max(1, ...result.cells.map((c) => c.bookings));
  return (
    <div className="table-wrap">
      <table className="table table-compact peak-grid">
        <caption className="muted">Bookings by weekday and hour ({result.timezone})</caption>
        <thead>
          <tr>
            <th scope="col"><span className="sr-only">Weekday</span></th>
            {Array.from({ length: 24 }, (_, h) => <th key={h} scope="col">{h}</th>)}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((d, w) => (
            <tr key={d}>
              <th scope="row">{d}</th>
              {Array.from({ length: 24 }, (_, h) => {
                const c = result.cells.find((x) => x.weekday === w && x.hour === h);
                const n = c?.bookings ?? 0;
                return (
                  <td key={h} title={`${d} ${h}:00 · ${n} bookings · ${formatNumber(c?.revenue ?? 0)} revenue`} style={{ background: n ? `rgb(99 102 241 / ${(0.1 + (0.85 * n) / max).toFixed(3)})` : undefined }}>
                    {n || ""}
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

/** One chart per revenue report; reports that are tables at heart (LTV) show only the table. */
export function RevenueChart({ result }: { result: RevenueResult }) {
  switch (result.report) {
    case "overview":
      return <BarChart label="Revenue by period" categories={result.buckets.map((b) => bucketLabel(b, result.interval))} layers={[{ label: "Revenue", values: result.series.map((p) => p.revenue) }]} />;
    case "by_dimension": {
      const rows = [...result.rows, ...(result.other ? [{ ...result.other, value: "(other)" }] : [])];
      return <BarChart label={`Revenue by ${result.dimension}`} categories={rows.map((r) => label(r.value))} layers={[{ label: "Revenue", values: rows.map((r) => r.revenue) }]} />;
    }
    case "search_to_booking":
      return (
        <div className="stack">
          <p className="stat-label">
            {result.total.bookers} of {result.total.searchers} searchers booked: {formatPercent(result.total.rate)} ({formatPercent(result.total.low)}–{formatPercent(result.total.high)})
          </p>
          <BarChart label="Search to booking conversion" categories={result.buckets.map((b) => bucketLabel(b, result.interval))} layers={[{ label: "Conversion", values: result.series.map((p) => p.rate) }]} />
        </div>
      );
    case "top_routes":
      return <BarChart label="Top routes by revenue" categories={result.byRevenue.map((r) => r.route)} layers={[{ label: "Revenue", values: result.byRevenue.map((r) => r.revenue) }]} />;
    case "peak_hours":
      return <PeakHoursGrid result={result} />;
    case "device_share":
    case "browser_share": {
      const rows = [...result.rows, ...(result.other ? [{ ...result.other, value: "(other)" }] : [])];
      return <BarChart label={`Booking share by ${result.dimension}`} categories={rows.map((r) => label(r.value))} layers={[{ label: "Booking share", values: rows.map((r) => r.bookingShare) }]} />;
    }
    default:
      return null;
  }
}
