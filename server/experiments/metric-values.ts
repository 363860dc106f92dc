// Each exposed person's metric, from their events after their first exposure (bind parameters only).
// A person's value is kept as timed steps so any look T (a day's end, or now) can be replayed:
// value at T = the sum of the steps before T. Conversion: one step of 1 at the first converting
// event within the window; count and revenue: per-UTC-day sums within the window; retention: one
// step (1 if the person returned on day N) when their day N is over, and they count from then.
// Count and revenue also read the same measure over the same length of time before the first
// exposure: CUPED's covariate.
import type pg from "pg";
import type { ExposedPerson } from "./exposures";
import type { MetricDefinition } from "./schema";

export interface PersonValues {
  /** Per person: [at ms, amount] steps. */
  steps: Map<string, [number, number][]>;
  /** Per person: the pre-exposure covariate (count and revenue metrics only). */
  covariate: Map<string, number> | null;
  /** When a person starts to count at a look (their first exposure, or when day N of retention is over). */
  countsFrom(p: ExposedPerson): number;
}

const DAY = 86_400_000;

// Each exposed person's own events: their id and the ids merged into them (path-compressed
// merges), hash-joined to the events between two constant bounds ($lo, $hi) so the planner prunes
// partitions and reads the (project, event, time) index instead of probing per person.
const PERSON_EVENTS = (lo: number, hi: number) => `
  from (
    select x.person as id, x.person, x.first_at from unnest($2::uuid[], $3::timestamptz[]) x(person, first_at)
    union all
    select pm.from_person_id, x.person, x.first_at from unnest($2::uuid[], $3::timestamptz[]) x(person, first_at)
      join person_merges pm on pm.project_id = $1 and pm.to_person_id = x.person
  ) x
  join events e on e.project_id = $1 and e.person_id = x.id and e.timestamp >= $${lo} and e.timestamp < $${hi}`;

const CONVERSION_SQL = `
  select x.person, extract(epoch from min(e.timestamp)) * 1000 as at
  ${PERSON_EVENTS(7, 8)}
   and e.event = $4 and e.timestamp >= x.first_at and e.timestamp < least(x.first_at + $5 * interval '1 hour', $6)
  group by x.person`;

// $4 null: any event (revenue: any event carrying revenue).
const AMOUNT_BY_DAY_SQL = (amount: "count" | "revenue") => `
  select x.person, extract(epoch from date_trunc('day', e.timestamp at time zone 'UTC') at time zone 'UTC') * 1000 as day,
         ${amount === "count" ? "count(*)::float8" : "sum(e.revenue)::float8"} as amount
  ${PERSON_EVENTS(7, 8)}
   and ($4::text is null or e.event = $4) ${amount === "revenue" ? "and e.revenue is not null" : ""}
   and e.timestamp >= x.first_at and e.timestamp < least(x.first_at + $5 * interval '1 hour', $6)
  group by 1, 2`;

const COVARIATE_SQL = (amount: "count" | "revenue") => `
  select x.person, ${amount === "count" ? "count(*)::float8" : "sum(e.revenue)::float8"} as amount
  ${PERSON_EVENTS(6, 7)}
   and ($4::text is null or e.event = $4) ${amount === "revenue" ? "and e.revenue is not null" : ""}
   and e.timestamp >= x.first_at - $5 * interval '1 hour' and e.timestamp < x.first_at
  group by 1`;

const RETENTION_SQL = `
  select distinct x.person
  ${PERSON_EVENTS(7, 8)}
   and ($4::text is null or e.event = $4)
   and e.timestamp >= x.first_at + $5 * interval '1 day' and e.timestamp < x.first_at + ($5 + 1) * interval '1 day'
   and e.timestamp < $6`;

export async function readPersonValues(pool: pg.Pool, projectId: string, metric: MetricDefinition, persons: ExposedPerson[], to: Date): Promise<PersonValues> {
  const ids = persons.map((p) => p.person);
  const firsts = persons.map((p) => new Date(p.firstAt));
  const steps = new Map<string, [number, number][]>();
  const push = (person: string, at: number, amount: number) => {
    const list = steps.get(person);
    if (list) list.push([at, amount]);
    else steps.set(person, [[at, amount]]);
  };
  const fromExposure = (p: ExposedPerson) => p.firstAt;
  if (persons.length === 0) return { steps, covariate: null, countsFrom: fromExposure };
  const earliest = persons.reduce((m, p) => Math.min(m, p.firstAt), Infinity);
  const latest = persons.reduce((m, p) => Math.max(m, p.firstAt), -Infinity);
  const bound = (ms: number) => new Date(ms);

  switch (metric.kind) {
    case "conversion": {
      const { rows } = await pool.query(CONVERSION_SQL, [projectId, ids, firsts, metric.event, metric.windowHours, to, bound(earliest), to]);
      for (const r of rows) push(r.person, Number(r.at), 1);
      return { steps, covariate: null, countsFrom: fromExposure };
    }
    case "count":
    case "revenue": {
      const params = [projectId, ids, firsts, metric.event ?? null, metric.windowHours];
      const [values, pre] = await Promise.all([
        pool.query(AMOUNT_BY_DAY_SQL(metric.kind), [...params, to, bound(earliest), to]),
        pool.query(COVARIATE_SQL(metric.kind), [...params, bound(earliest - metric.windowHours * 3600_000), bound(latest)]),
      ]);
      for (const r of values.rows) push(r.person, Number(r.day), Number(r.amount));
      const covariate = new Map<string, number>(pre.rows.map((r) => [r.person, Number(r.amount)]));
      return { steps, covariate, countsFrom: fromExposure };
    }
    case "retention": {
      const lo = earliest + metric.day * DAY;
      const hi = Math.min(to.getTime(), latest + (metric.day + 1) * DAY);
      const { rows } = hi > lo ? await pool.query(RETENTION_SQL, [projectId, ids, firsts, metric.event ?? null, metric.day, to, bound(lo), bound(hi)]) : { rows: [] };
      const returned = new Set<string>(rows.map((r) => r.person));
      const matures = (p: ExposedPerson) => p.firstAt + (metric.day + 1) * DAY;
      for (const p of persons) push(p.person, matures(p), returned.has(p.person) ? 1 : 0);
      return { steps, covariate: null, countsFrom: matures };
    }
  }
}

/** A person's value at look T (steps before T). */
export function valueAt(values: PersonValues, person: string, t: number): number {
  let v = 0;
  for (const [at, amount] of values.steps.get(person) ?? []) if (at < t) v += amount;
  return v;
}
