import type pg from "pg";
import type { IngestRow } from "./ingest-row";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function propertyType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") {
    // Cheap pre-check before the regex: dates look like "YYYY-MM-..." and are short.
    return v.length >= 10 && v.length <= 35 && v.charCodeAt(4) === 45 && ISO_DATE.test(v) ? "datetime" : "string";
  }
  return typeof v;
}

/**
 * Records every event name and property key (with the JSON types seen) per project, for the
 * UI's pickers. Only what this process has not recorded yet reaches the database.
 */
export class DefinitionRegistry {
  private seen = new Set<string>();
  /** project+event -> property key -> the types recorded, e.g. "|string|null|". */
  private seenProps = new Map<string, Map<string, string>>();

  /** Returns the statements' parameters for what is new in `rows`, and a commit callback. */
  async record(client: pg.PoolClient, rows: IngestRow[]): Promise<() => void> {
    const events = new Map<string, [string, string]>();
    const props = new Map<string, [string, string, string, string]>();
    for (const row of rows) {
      const ek = row.projectId + "\u0001" + row.event;
      if (!this.seen.has(ek)) events.set(ek, [row.projectId, row.event]);
      const known = this.seenProps.get(ek);
      for (const k in row.properties) {
        const t = propertyType(row.properties[k]);
        if (known?.get(k)?.includes("|" + t + "|")) continue;
        const pk = ek + "\u0001" + k + "\u0001" + t;
        if (!props.has(pk)) props.set(pk, [row.projectId, row.event, k, t]);
      }
    }
    if (events.size) {
      const e = [...events.values()];
      await client.query(
        `insert into event_definitions (project_id, name) select * from unnest($1::uuid[], $2::text[])
         on conflict (project_id, name) do update set last_seen = now()`,
        [e.map((x) => x[0]), e.map((x) => x[1])],
      );
    }
    if (props.size) {
      const p = [...props.values()];
      await client.query(
        `insert into property_definitions (project_id, event_name, key, types)
         select u.p, u.e, u.k, array_agg(distinct u.t) from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) as u(p, e, k, t)
         group by u.p, u.e, u.k
         on conflict (project_id, event_name, key) do update
           set types = array(select distinct x from unnest(property_definitions.types || excluded.types) x order by x),
               last_seen = now()`,
        [p.map((x) => x[0]), p.map((x) => x[1]), p.map((x) => x[2]), p.map((x) => x[3])],
      );
    }
    return () => {
      if (this.seen.size > 100_000) this.seen.clear();
      if (this.seenProps.size > 100_000) this.seenProps.clear();
      for (const k of events.keys()) this.seen.add(k);
      for (const [p, e, k, t] of props.values()) {
        const ek = p + "\u0001" + e;
        const m = this.seenProps.get(ek) ?? new Map<string, string>();
        m.set(k, (m.get(k) ?? "|") + t + "|");
        this.seenProps.set(ek, m);
      }
    };
  }
}
