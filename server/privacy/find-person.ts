import type pg from "pg";
import { PERSON_ROWS, resolvePersonScope, scopeParams } from "./person-scope";
import type { PersonRef } from "./schemas";

export interface PersonSummary {
  personId: string;
  mergedPersonIds: string[];
  distinctIds: string[];
  properties: Record<string, unknown>;
  isIdentified: boolean;
  createdAt: string | null;
  eventCount: number;
  firstEventAt: string | null;
  lastEventAt: string | null;
}

/** What is stored about a person, in brief: ids, properties and how many events. Null when unknown. */
export async function findPerson(pool: pg.Pool, projectId: string, ref: PersonRef): Promise<PersonSummary | null> {
  const scope = await resolvePersonScope(pool, projectId, ref);
  if (!scope) return null;
  const [{ rows: persons }, { rows: stats }] = await Promise.all([
    pool.query(`select properties, is_identified, created_at from persons where project_id = $1 and id = $2`, [projectId, scope.personId]),
    pool.query(`select count(*)::int as n, min(timestamp) as first, max(timestamp) as last from events where ${PERSON_ROWS}`, scopeParams(scope)),
  ]);
  const person = persons[0];
  return {
    personId: scope.personId,
    mergedPersonIds: scope.personIds.slice(1),
    distinctIds: scope.distinctIds,
    properties: person?.properties ?? {},
    isIdentified: person?.is_identified ?? false,
    createdAt: person?.created_at?.toISOString() ?? null,
    eventCount: stats[0].n,
    firstEventAt: stats[0].first?.toISOString() ?? null,
    lastEventAt: stats[0].last?.toISOString() ?? null,
  };
}
