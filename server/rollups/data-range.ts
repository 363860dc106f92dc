import type pg from "pg";

type Queryable = Pick<pg.Pool, "query">;

/**
 * First and last project-timezone day with events, read through the (project_id, event,
 * timestamp) index: a loose index scan over event names, then min/max per name. Null when the
 * project has no events.
 */
export async function dataDayRange(db: Queryable, projectId: string, timezone: string): Promise<{ first: string; last: string } | null> {
  const { rows } = await db.query<{ first: string | null; last: string | null }>(
    `with recursive names(event) as (
        (select event from events where project_id = $1 order by event limit 1)
        union all
        select (select e.event from events e where e.project_id = $1 and e.event > n.event order by e.event limit 1)
          from names n where n.event is not null
      )
      select (min(x.lo) at time zone $2::text)::date::text as first, (max(x.hi) at time zone $2::text)::date::text as last
        from names n
        cross join lateral (select min(e.timestamp) as lo, max(e.timestamp) as hi from events e where e.project_id = $1 and e.event = n.event) x
       where n.event is not null`,
    [projectId, timezone],
  );
  const r = rows[0];
  return r?.first && r.last ? { first: r.first, last: r.last } : null;
}

/** Days from `first` to `last` inclusive (YYYY-MM-DD, calendar arithmetic in UTC). */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
