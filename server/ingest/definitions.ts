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

const TYPE_BITS: Record<string, number | undefined> = { null: 1, array: 2, string: 4, datetime: 8, number: 16, boolean: 32, object: 64 };

/**
 * propertyType as a bit (types outside the list share the last one, and are always looked up):
 * TYPE_BITS[propertyType(v)] ?? 128, without building and looking up the type's name, since it
 * runs for every property of every event.
 */
export function typeBit(v: unknown): number {
  if (v === null) return 1;
  switch (typeof v) {
    case "string":
      return v.length >= 10 && v.length <= 35 && v.charCodeAt(4) === 45 && ISO_DATE.test(v) ? 8 : 4;
    case "number":
      return 16;
    case "boolean":
      return 32;
    case "object":
      return Array.isArray(v) ? 2 : 64;
    default:
      return 128;
  }
}

/** The bit of a type name, as typeBit gives it for a value of that type. */
export function typeNameBit(type: string): number {
  return TYPE_BITS[type] ?? 128;
}

/**
 * Records every event name and property key (with the JSON types seen) per project, for the
 * UI's pickers. Only what this process has not recorded yet reaches the database: per project
 * and event, the types recorded for each key are kept as bits, so a known event costs one map
 * lookup per property and allocates nothing.
 */
export class DefinitionRegistry {
  /** project -> event -> property key -> bits of the types recorded. */
  private seen = new Map<string, Map<string, Map<string, number>>>();
  private size = 0;

  /**
   * What of one event this process has not recorded yet (checked when the event arrives, so the
   * row need not keep its parsed properties); undefined when everything is known.
   */
  unseen(projectId: string, event: string, properties: Record<string, unknown>): IngestRow["definitions"] {
    const known = this.seen.get(projectId)?.get(event);
    let props: Array<[string, string]> | null = null;
    for (const k in properties) {
      const v = properties[k];
      const bit = typeBit(v);
      if (bit !== 128 && known && ((known.get(k) ?? 0) & bit) !== 0) continue;
      (props ??= []).push([k, propertyType(v)]);
    }
    return known && !props ? undefined : { event: !known, props: props ?? [] };
  }

  /** Records what is new in `rows` (within the caller's transaction); returns a commit callback. */
  async record(client: pg.PoolClient, rows: IngestRow[]): Promise<() => void> {
    let events: Map<string, [string, string]> | null = null;
    let props: Map<string, [string, string, string, string, number]> | null = null;
    for (const row of rows) {
      // Rows from spool files of earlier versions carry their properties instead.
      const defs = row.properties && !row.definitions ? this.unseen(row.projectId, row.event, row.properties) : row.definitions;
      if (!defs) continue;
      if (defs.event || !this.seen.get(row.projectId)?.has(row.event)) {
        (events ??= new Map()).set(row.projectId + "\u0001" + row.event, [row.projectId, row.event]);
      }
      for (const [k, t] of defs.props) {
        const bit = TYPE_BITS[t] ?? 128;
        if (bit !== 128 && ((this.seen.get(row.projectId)?.get(row.event)?.get(k) ?? 0) & bit) !== 0) continue;
        const pk = row.projectId + "\u0001" + row.event + "\u0001" + k + "\u0001" + t;
        if (!(props ??= new Map()).has(pk)) props.set(pk, [row.projectId, row.event, k, t, bit]);
      }
    }
    if (events) {
      const e = [...events.values()];
      await client.query(
        // In key order, as the next statement: concurrent writers then lock existing rows in the
        // same order and cannot deadlock on them.
        `insert into event_definitions (project_id, name) select * from unnest($1::uuid[], $2::text[]) as u(p, n) order by u.p, u.n
         on conflict (project_id, name) do update set last_seen = now()`,
        [e.map((x) => x[0]), e.map((x) => x[1])],
      );
    }
    if (props) {
      const p = [...props.values()];
      await client.query(
        `insert into property_definitions (project_id, event_name, key, types)
         select u.p, u.e, u.k, array_agg(distinct u.t) from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) as u(p, e, k, t)
         group by u.p, u.e, u.k order by u.p, u.e, u.k
         on conflict (project_id, event_name, key) do update
           set types = array(select distinct x from unnest(property_definitions.types || excluded.types) x order by x),
               last_seen = now()`,
        [p.map((x) => x[0]), p.map((x) => x[1]), p.map((x) => x[2]), p.map((x) => x[3])],
      );
    }
    if (!events && !props) return () => {};
    return () => {
      if (this.size > 100_000) {
        this.seen.clear();
        this.size = 0;
      }
      const of = (project: string, event: string) => {
        let byEvent = this.seen.get(project);
        if (!byEvent) this.seen.set(project, (byEvent = new Map()));
        let keys = byEvent.get(event);
        if (!keys) {
          byEvent.set(event, (keys = new Map()));
          this.size++;
        }
        return keys;
      };
      for (const [p, e] of events?.values() ?? []) of(p, e);
      for (const [p, e, k, , bit] of props?.values() ?? []) {
        const keys = of(p, e);
        if (!keys.has(k)) this.size++;
        keys.set(k, (keys.get(k) ?? 0) | bit);
      }
    };
  }
}
