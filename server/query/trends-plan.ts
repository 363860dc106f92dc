import type { QueryContext } from "./context";
import type { TrendsQuery } from "./schema/trends";
import { render, type Sql } from "./sql";

export type TrendsSeriesInput = TrendsQuery["series"][number];

/** The breakdown value that gathers every value outside the top N. */
export const OTHER = "$other";

export type BreakdownPlan =
  | { kind: "none" }
  | { kind: "property"; type: "event" | "person"; key: string; limit: number }
  | { kind: "cohort"; cohortIds: string[] }
  | { kind: "day_of_week" }
  | { kind: "hour_of_day" };

export function breakdownPlan(q: TrendsQuery): BreakdownPlan {
  const b = q.breakdown;
  if (!b) return { kind: "none" };
  if (b.type === "cohort") return { kind: "cohort", cohortIds: b.cohortIds };
  if ("key" in b) return { kind: "property", type: b.type, key: b.key, limit: b.limit };
  return { kind: b.type };
}

/** The top breakdown values of a series in the current period (by event count, then value). */
export interface TopValues {
  values: string[];
  hasOther: boolean;
}

/** A series' numbers in one period: per breakdown value (null without breakdown), one per bucket. */
export type SeriesNumbers = Map<string | null, { data: number[]; total: number }>;

export const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export async function rows<T extends Record<string, unknown>>(ctx: QueryContext, fragment: Sql): Promise<T[]> {
  const { text, values } = render(fragment);
  return (await ctx.pool.query<T>(text, values)).rows;
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Fills a SeriesNumbers from (key, group, n) rows; the total is the bucket sum unless given. */
export function collect(
  keys: readonly string[],
  data: readonly { k: string; g: string | null; n: unknown }[],
  totals?: Map<string | null, number>,
): SeriesNumbers {
  const index = new Map(keys.map((k, i) => [k, i]));
  const out: SeriesNumbers = new Map();
  const slot = (g: string | null) => {
    let s = out.get(g);
    if (!s) out.set(g, (s = { data: keys.map(() => 0), total: 0 }));
    return s;
  };
  for (const r of data) {
    const i = index.get(r.k);
    if (i === undefined) continue;
    slot(r.g).data[i] = num(r.n);
  }
  if (totals) for (const g of totals.keys()) slot(g);
  for (const [g, s] of out) s.total = totals ? (totals.get(g) ?? 0) : s.data.reduce((a, b) => a + b, 0);
  return out;
}
