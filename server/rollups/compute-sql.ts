import { numericOf } from "../query/filters";
import { ident, join, sql, type Sql } from "../query/sql";
import { ALL_EVENTS_ROW, ROLLUP_DIMS, type RollupDim } from "./dims";

/**
 * The SELECTs that compute rollup rows from raw events for a set of project-timezone days. The
 * refresh job inserts their output; the trends runner runs the same SELECTs live for days whose
 * stored rows are stale, so both paths count exactly alike.
 */
export interface DaysScope {
  projectId: string;
  timezone: string;
  /** Project-timezone days, YYYY-MM-DD, at least one. */
  days: readonly string[];
}

/** Events of the given local days (the range bounds keep partition pruning). */
function eventsOfDays(s: DaysScope, extra: Sql = sql`true`): Sql {
  const sorted = [...s.days].sort();
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  return sql`events e left join person_merges pm on pm.project_id = e.project_id and pm.from_person_id = e.person_id
    where e.project_id = ${s.projectId}::uuid
      and e.timestamp >= (${lo}::date::timestamp at time zone ${s.timezone}::text)
      and e.timestamp < ((${hi}::date + 1)::timestamp at time zone ${s.timezone}::text)
      and (e.timestamp at time zone ${s.timezone}::text)::date = any(${[...s.days]}::date[])
      and ${extra}`;
}

/** Commission as the rollup stores it: numeric `properties->>'commission'`, absurd magnitudes ignored. */
export function commissionOf(): Sql {
  const n = numericOf(sql`(e.properties ->> 'commission')`);
  return sql`(case when abs(${n}) < 1e12 then ${n} end)`;
}

/**
 * Rows of `rollup_event_days` (day text, event, dim, value, events, persons, sessions, revenue,
 * commission). `event` undefined: every event name plus the '$all' rows; '$all' or a name: only
 * those rows. `dims` defaults to all dims including '' (the total).
 *
 * The day's events are read once into a narrow materialized CTE, then each (event or '$all', dim)
 * is its own GROUP BY: many small sorts for the distinct counts instead of one sort of every
 * event times every dim (which spills to disk at 300k events a day).
 */
export function eventDaysSelect(s: DaysScope, opts: { event?: string; dims?: readonly RollupDim[] } = {}): Sql {
  const dims = opts.dims ?? (["", ...Object.keys(ROLLUP_DIMS)] as RollupDim[]);
  const dimColumns = dims.filter((d) => d !== "").map((d) => sql`, e.${ident(ROLLUP_DIMS[d]!)}`);
  const eventFilter = opts.event === undefined || opts.event === ALL_EVENTS_ROW ? sql`true` : sql`e.event = ${opts.event}::text`;
  const modes: ("each" | "all")[] = opts.event === undefined ? ["each", "all"] : opts.event === ALL_EVENTS_ROW ? ["all"] : ["each"];
  const branches: Sql[] = [];
  for (const mode of modes) {
    for (const d of dims) {
      const ev = mode === "all" ? sql`${ALL_EVENTS_ROW}::text` : sql`x.event`;
      const value = d === "" ? sql`''::text` : sql`coalesce(x.${ident(ROLLUP_DIMS[d]!)}, '')`;
      branches.push(sql`select x.day::text as day, ${ev} as event, ${d}::text as dim, ${value} as value,
          count(*)::bigint as events, count(distinct x.person)::bigint as persons, count(distinct x.session_id)::bigint as sessions,
          coalesce(sum(x.revenue), 0)::numeric(20,4) as revenue, coalesce(sum(x.commission), 0)::numeric(20,4) as commission
        from x group by x.day${mode === "each" ? sql`, x.event` : sql``}${d === "" ? sql`` : sql`, ${value}`}`);
    }
  }
  return sql`with x as materialized (
      select (e.timestamp at time zone ${s.timezone}::text)::date as day, coalesce(pm.to_person_id, e.person_id) as person,
             e.event, e.session_id, e.revenue, ${commissionOf()} as commission${join(dimColumns, "")}
        from ${eventsOfDays(s, eventFilter)})
    ${join(branches, " union all ")}`;
}

/** Rows of `rollup_person_days` (day text, person_id, events): canonical persons active per day. */
export function personDaysSelect(s: DaysScope): Sql {
  return sql`select (e.timestamp at time zone ${s.timezone}::text)::date::text as day, coalesce(pm.to_person_id, e.person_id) as person_id, count(*)::int as events
    from ${eventsOfDays(s)}
    group by 1, 2`;
}

/** The newest `inserted_at` among the events of the days (null when there are none). */
export function newestInsertSelect(s: DaysScope): Sql {
  return sql`select max(e.inserted_at) as newest from ${eventsOfDays(s)}`;
}
