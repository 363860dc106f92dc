import type pg from "pg";
import type { PersonScope } from "./person-scope";

type Queryable = Pick<pg.PoolClient, "query">;

/** The tables erasure handles by name (in deletion order); their counts are always reported. */
export const PERSON_TABLES = ["events", "event_uuids", "person_distinct_ids", "person_merges", "persons"] as const;
export type PersonTableName = (typeof PERSON_TABLES)[number];

const PERSON_COLUMNS = ["person_id", "from_person_id", "to_person_id"];

interface Column {
  name: string;
  uuid: boolean;
}

/** Another table with person data, found in the catalog (a rollup or cohort table added later). */
export interface OtherPersonTable {
  table: string;
  project: Column | null;
  personColumns: Column[];
  distinctId: Column | null;
}

/**
 * Tables of the current schema, other than PERSON_TABLES, with a person id or distinct id
 * column: erasure sweeps them too, so a table added later cannot keep an erased person's rows.
 * Partitions are reached through their parent.
 */
export async function otherPersonTables(db: Queryable): Promise<OtherPersonTable[]> {
  const { rows } = await db.query(
    `select c.relname as table, a.attname as column, a.atttypid = 'uuid'::regtype as is_uuid
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
        and a.attname = any($1::text[])
      order by c.relname, a.attnum`,
    [["project_id", "distinct_id", ...PERSON_COLUMNS]],
  );
  const byTable = new Map<string, OtherPersonTable>();
  for (const r of rows as Array<{ table: string; column: string; is_uuid: boolean }>) {
    if ((PERSON_TABLES as readonly string[]).includes(r.table)) continue;
    const t = byTable.get(r.table) ?? { table: r.table, project: null, personColumns: [], distinctId: null };
    const col = { name: r.column, uuid: r.is_uuid };
    if (r.column === "project_id") t.project = col;
    else if (r.column === "distinct_id") t.distinctId = col;
    else t.personColumns.push(col);
    byTable.set(r.table, t);
  }
  // A distinct id means something only within a project.
  return [...byTable.values()].filter((t) => t.personColumns.length > 0 || (t.distinctId && t.project));
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `where` clause and parameters selecting a person's rows of `t`; identifiers come from the catalog. */
export function otherTableCondition(t: OtherPersonTable, scope: PersonScope): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (v: unknown, type: string) => `$${params.push(v)}::${type}`;
  const match = (c: Column, values: string[]) =>
    c.uuid ? `${ident(c.name)} = any(${bind(values, "uuid[]")})` : `${ident(c.name)}::text = any(${bind(values, "text[]")})`;
  const any = t.personColumns.map((c) => match(c, scope.personIds));
  if (t.distinctId && t.project) any.push(match(t.distinctId, scope.distinctIds));
  const inProject = t.project
    ? t.project.uuid
      ? `${ident(t.project.name)} = ${bind(scope.projectId, "uuid")} and `
      : `${ident(t.project.name)}::text = ${bind(scope.projectId, "text")} and `
    : "";
  return { where: `${inProject}(${any.join(" or ")})`, params };
}

export const quoteTable = ident;
