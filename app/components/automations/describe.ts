/** Plain-words summaries of a rule, shared by the list and the detail page. */
export function durationText(s: number): string {
  if (s === 0) return "no delay";
  if (s % 86_400 === 0) return `${s / 86_400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

export function triggerText(t: { event: string; absentEvent?: string; withinSeconds?: number; filters?: unknown[] }): string {
  const filters = t.filters?.length ? ` (${t.filters.length} filter${t.filters.length > 1 ? "s" : ""})` : "";
  return t.absentEvent ? `${t.event}${filters} and no ${t.absentEvent} within ${durationText(t.withinSeconds ?? 0)}` : `${t.event}${filters}`;
}

export function actionText(a: { kind: string; url?: string; to?: string[]; toPersonProperty?: string }): string {
  if (a.kind === "webhook") return `POST ${a.url}`;
  const to = [...(a.to ?? []), ...(a.toPersonProperty ? [`person's ${a.toPersonProperty}`] : [])];
  return `email ${to.join(", ")}`;
}

export function dedupText(s: number | null): string {
  return s === null ? "once per person" : `once per person per ${durationText(s)}`;
}
