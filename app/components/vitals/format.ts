import type { Tone } from "~/components/Badge";

export type Rating = "good" | "needs-improvement" | "poor";

export const ratingTone: Record<Rating, Tone> = { good: "success", "needs-improvement": "warning", poor: "danger" };
export const ratingLabel: Record<Rating, string> = { good: "Good", "needs-improvement": "Needs improvement", poor: "Poor" };
export const ratingColor: Record<Rating, string> = { good: "#10b981", "needs-improvement": "#f59e0b", poor: "#ef4444" };

/** A vital's value as people read it: ms under a second, seconds above; CLS unitless. */
export function formatVital(metric: string, value: number): string {
  if (metric === "CLS") return value.toFixed(value < 0.01 && value > 0 ? 3 : 2);
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${Math.round(value)} ms`;
}
