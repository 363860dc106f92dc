/** Accuracy figures for people: MASE as a ratio, sMAPE in percent (already x100), coverage as a share. */
export function formatAccuracy(v: number | null | undefined, as: "ratio" | "percent" | "share"): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (as === "ratio") return v.toFixed(2);
  if (as === "percent") return `${v.toFixed(1)}%`;
  return `${(v * 100).toFixed(0)}%`;
}
