import { sql, type Sql } from "./sql";

/**
 * The FROM clause every insight reads events through. `e` is the event; a person merged into
 * another (identify / alias) resolves through `person_merges` (kept path-compressed by ingest),
 * so `PERSON_ID` is the canonical person. `p` (the canonical person's row) is joined on demand.
 */
export function eventsFrom(opts: { persons: boolean }): Sql {
  return opts.persons
    ? sql`events e left join person_merges pm on pm.project_id = e.project_id and pm.from_person_id = e.person_id
          left join persons p on p.id = coalesce(pm.to_person_id, e.person_id)`
    : sql`events e left join person_merges pm on pm.project_id = e.project_id and pm.from_person_id = e.person_id`;
}

export const PERSON_ID = sql`coalesce(pm.to_person_id, e.person_id)`;

/** Project and half-open time range; keeps partition pruning (timestamp compared to parameters). */
export function projectAndRange(projectId: string, from: Date, to: Date): Sql {
  return sql`e.project_id = ${projectId}::uuid and e.timestamp >= ${from} and e.timestamp < ${to}`;
}
