import type { ReactNode } from "react";

/** Colours for series, in order; readable on light and dark backgrounds. */
export const PALETTE = ["#6366f1", "#0ea5e9", "#f59e0b", "#10b981", "#ef4444", "#a855f7", "#14b8a6", "#f97316", "#84cc16", "#ec4899"];
export const colorAt = (i: number) => PALETTE[i % PALETTE.length]!;

export const CHART_WIDTH = 760;
export const MARGIN = { top: 16, right: 16, bottom: 40, left: 56 };

/**
 * A chart drawn in a fixed coordinate space and scaled by the browser (viewBox): it renders the
 * same on the server and without JavaScript. `label` is the accessible name.
 */
export function ChartSvg({ label, height, children, width = CHART_WIDTH }: { label: string; height: number; width?: number; children: ReactNode }) {
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
      {children}
    </svg>
  );
}

export function Legend({ items }: { items: { label: string; color: string }[] }) {
  if (items.length < 2) return null;
  return (
    <ul className="chart-legend">
      {items.map((it, i) => (
        <li key={i}>
          <span className="chart-swatch" style={{ background: it.color }} aria-hidden="true" />
          {it.label}
        </li>
      ))}
    </ul>
  );
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
export const formatNumber = (n: number) => (Math.abs(n) >= 10_000 ? compact.format(n) : plain.format(n));
export const formatPercent = (rate: number) => `${(rate * 100).toFixed(rate === 0 || rate === 1 ? 0 : 1)}%`;

/** A bucket start (ISO with offset) as a short label; the wall-clock part is the project's time. */
export function bucketLabel(iso: string, interval?: string): string {
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 16);
  if (interval === "minute" || interval === "hour") return `${date.slice(5)} ${time}`;
  if (interval === "month") return date.slice(0, 7);
  return date.slice(5);
}

/** At most `max` evenly spread tick values out of `values`. */
export function thin<T>(values: T[], max: number): T[] {
  if (values.length <= max) return values;
  const step = Math.ceil(values.length / max);
  return values.filter((_, i) => i % step === 0);
}

export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "–";
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

/** Counts get whole-number ticks: no more ticks than the span of the values. */
export function tickCount(values: number[]): number {
  if (!values.every(Number.isInteger)) return 5;
  const span = Math.max(1, ...values) - Math.min(0, ...values);
  return Math.max(1, Math.min(5, span));
}
