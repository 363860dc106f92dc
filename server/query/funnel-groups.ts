import { compareNullableLast } from "./stream/order";
import type { EventStream } from "./stream/types";
import type { PersonRows } from "./funnel-engine";
import type { Breakdown } from "./schema/common";

/** The label of the group that gathers property values outside the top N. */
export const BREAKDOWN_OTHER = "$other";

/**
 * Breakdown groups of a funnel. Property, day and hour breakdowns are event-level: a chain
 * belongs to the group of its step-0 row, and a person counts once in each group in which they
 * have a step-0 row (so group totals can add up to more than the persons of the funnel).
 * Cohort breakdowns are person-level: a person counts in every listed cohort they belong to.
 */
export type FunnelGroups =
  | { kind: "none"; labels: [null] }
  | { kind: "value"; labels: (string | null)[]; groupOfValue: Int32Array; groupOfNone: number }
  | { kind: "cohort"; labels: string[] };

/**
 * Top `limit` property values by the number of persons with a step-0 row of that value (any
 * step's row for any-order funnels, whose chains start at any step) (ties:
 * value in code point order, not set last), the rest in BREAKDOWN_OTHER. Day of week and hour
 * keep every value, in calendar order.
 */
export function funnelGroups(stream: EventStream, byPerson: PersonRows, breakdown: Breakdown | undefined, startMask = 1): FunnelGroups {
  if (!breakdown) return { kind: "none", labels: [null] };
  if (breakdown.type === "cohort") return { kind: "cohort", labels: breakdown.cohortIds };
  const values = stream.breakdownValues;
  const persons = new Int32Array(values.length + 1); // [values.length]: rows without a value
  const seen = new Int32Array(values.length + 1).fill(-1);
  const { start, rows } = byPerson;
  const bd = stream.breakdown!;
  for (let p = 0; p < stream.personCount; p++) {
    for (let i = start[p]!; i < start[p + 1]!; i++) {
      const r = rows[i]!;
      if ((stream.match[r]! & startMask) === 0) continue;
      const v = bd[r]! < 0 ? values.length : bd[r]!;
      if (seen[v] !== p) {
        seen[v] = p;
        persons[v]!++;
      }
    }
  }
  const valueOf = (v: number) => (v === values.length ? null : values[v]!);
  const present = Array.from({ length: values.length + 1 }, (_, v) => v).filter((v) => persons[v]! > 0);
  const calendar = breakdown.type === "day_of_week" || breakdown.type === "hour_of_day";
  present.sort(calendar ? (a, b) => Number(valueOf(a)) - Number(valueOf(b)) : (a, b) => persons[b]! - persons[a]! || compareNullableLast(valueOf(a), valueOf(b)));
  const limit = breakdown.type === "event" || breakdown.type === "person" ? breakdown.limit : present.length;
  const top = present.slice(0, limit);
  const labels: (string | null)[] = top.map(valueOf);
  const groupOfAll = new Int32Array(values.length + 1).fill(-1);
  top.forEach((v, g) => (groupOfAll[v] = g));
  if (present.length > limit) {
    const other = labels.length;
    labels.push(BREAKDOWN_OTHER);
    for (const v of present.slice(limit)) groupOfAll[v] = other;
  }
  return { kind: "value", labels, groupOfValue: groupOfAll.subarray(0, values.length), groupOfNone: groupOfAll[values.length]! };
}
