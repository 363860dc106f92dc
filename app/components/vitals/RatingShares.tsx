import { formatPercent } from "~/components/charts/chart-kit";
import { ratingColor, ratingLabel, type Rating } from "./format";

/** A thin stacked bar of good / needs-improvement / poor shares, with the figures in its title. */
export function RatingShares({ shares }: { shares: { good: number; needsImprovement: number; poor: number } }) {
  const parts: [Rating, number][] = [["good", shares.good], ["needs-improvement", shares.needsImprovement], ["poor", shares.poor]];
  const title = parts.map(([r, v]) => `${ratingLabel[r]} ${formatPercent(v)}`).join(" · ");
  return (
    <span role="img" aria-label={title} title={title} style={{ display: "flex", width: 96, height: 6, borderRadius: 3, overflow: "hidden", marginTop: 4, background: "var(--border, #ddd)" }}>
      {parts.map(([r, v]) => (v > 0 ? <span key={r} style={{ width: `${v * 100}%`, background: ratingColor[r] }} /> : null))}
    </span>
  );
}
