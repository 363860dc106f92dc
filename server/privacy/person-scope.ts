import type pg from "pg";
import type { PersonRef } from "./schemas";

type Queryable = Pick<pg.PoolClient, "query">;

/** Everything that identifies one person: their id, the ids merged into it, and their distinct ids. */
export interface PersonScope {
  projectId: string;
  personId: string;
  /** `personId` first, then every person id merged into it (by identify / alias). */
  personIds: string[];
  distinctIds: string[];
}

/**
 * The SQL condition matching a person's events (or any row with `person_id` / `distinct_id`):
 * by person id, by any person id merged into it, and by any of their distinct ids, so an event
 * written with a stale person id is found too. Parameters: $1 project, $2 person ids, $3 distinct ids.
 */
export const PERSON_ROWS = `project_id = $1 and (person_id = any($2::uuid[]) or distinct_id = any($3::text[]))`;
export const scopeParams = (s: PersonScope) => [s.projectId, s.personIds, s.distinctIds];

/**
 * Resolves a person reference within a project; null when nobody matches. A merged-away person
 * id resolves to the person it was merged into. With `lock`, the person row is locked until the
 * transaction ends, so a concurrent erasure or merge of the same person waits.
 */
export async function resolvePersonScope(
  db: Queryable,
  projectId: string,
  ref: PersonRef,
  opts: { lock?: boolean } = {},
): Promise<PersonScope | null> {
  let personId: string | null;
  if ("distinctId" in ref) {
    const { rows } = await db.query(
      `select person_id from person_distinct_ids where project_id = $1 and distinct_id = $2`,
      [projectId, ref.distinctId],
    );
    personId = rows[0]?.person_id ?? null;
  } else {
    personId = ref.personId.toLowerCase();
  }
  if (!personId) return null;

  // The writer flattens merge chains; following a few links is only a safety net.
  for (let hops = 0; hops < 10; hops++) {
    const { rows } = await db.query(
      `select to_person_id from person_merges where project_id = $1 and from_person_id = $2`,
      [projectId, personId],
    );
    if (!rows[0] || rows[0].to_person_id === personId) break;
    personId = rows[0].to_person_id as string;
  }

  const { rows: person } = await db.query(
    `select id from persons where project_id = $1 and id = $2${opts.lock ? " for update" : ""}`,
    [projectId, personId],
  );
  const { rows: merged } = await db.query(
    `with recursive m(id) as (
       select $2::uuid
       union
       select pm.from_person_id from person_merges pm join m on pm.to_person_id = m.id where pm.project_id = $1
     )
     select id from m`,
    [projectId, personId],
  );
  const personIds = [personId, ...merged.map((r: { id: string }) => r.id).filter((id: string) => id !== personId)];
  const { rows: ids } = await db.query(
    `select distinct_id from person_distinct_ids where project_id = $1 and person_id = any($2::uuid[]) order by created_at, distinct_id`,
    [projectId, personIds],
  );
  if (!person[0] && ids.length === 0) return null;
  return { projectId, personId, personIds, distinctIds: ids.map((r: { distinct_id: string }) => r.distinct_id) };
}
