import { insightQuery, INSIGHT_KINDS, type InsightKind, type InsightQuery } from "../../../server/query/schema";

export type QueryOf<K extends InsightKind> = Extract<InsightQuery, { kind: K }>;
export { INSIGHT_KINDS };
export type { InsightKind, InsightQuery };

export const KIND_LABELS: Record<InsightKind, string> = {
  trends: "Trends",
  funnels: "Funnel",
  retention: "Retention",
  paths: "Paths",
  lifecycle: "Lifecycle",
  stickiness: "Stickiness",
  revenue: "Revenue",
};

/** A sensible first query of each kind, with defaults filled in by the schema. */
export function defaultQuery(kind: InsightKind, events: string[]): InsightQuery {
  const first = events.find((e) => e === "$pageview") ?? events[0] ?? "$pageview";
  const second = events.find((e) => e !== first) ?? first;
  const raw: Record<InsightKind, unknown> = {
    trends: { kind, series: [{ event: first }] },
    funnels: { kind, steps: [{ event: first }, { event: second }] },
    retention: { kind, targetEvent: { event: first }, returnEvent: { event: first } },
    paths: { kind },
    lifecycle: { kind, event: { event: first } },
    stickiness: { kind, event: { event: first } },
    revenue: { kind, report: "overview" },
  };
  return insightQuery.parse(raw[kind]);
}

/** The `q` search parameter: a JSON insight query, or nothing. Validation is the API's job. */
export function queryParam(search: URLSearchParams): { raw: unknown; text: string } | { error: string; text: string } | null {
  const text = search.get("q");
  if (!text) return null;
  try {
    return { raw: JSON.parse(text), text };
  } catch {
    return { error: "The query in the address is not valid JSON.", text };
  }
}

export function queryHref(path: string, query: InsightQuery): string {
  return `${path}?q=${encodeURIComponent(JSON.stringify(query))}`;
}

/** Same query as the schema would read it (defaults filled), or null when it does not fit. */
export function normalized(raw: unknown): InsightQuery | null {
  const parsed = insightQuery.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
