import { randomUUID } from "node:crypto";
import type pg from "pg";
import { QueryInputError } from "../errors";
import { inTransaction, recomputeIn, type RecomputeResult } from "./membership";
import { cohortDefinition, referencedCohorts, type CreateCohortInput, type RuleGroup, type UpdateCohortInput } from "./schema";

export interface CohortSummary {
  id: string;
  name: string;
  description: string;
  kind: "static" | "dynamic";
  memberCount: number;
  computedAt: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface CohortDetail extends CohortSummary {
  definition: RuleGroup | null;
  /** Cohorts whose rules refer to this one (it cannot be deleted while there are any). */
  usedBy: { id: string; name: string }[];
}

const COLUMNS = `id, name, description, kind, member_count, computed_at, created_at, updated_at`;

function summary(r: Record<string, any>): CohortSummary {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    memberCount: r.member_count,
    computedAt: r.computed_at ? new Date(r.computed_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function listCohorts(pool: pg.Pool, projectId: string): Promise<CohortSummary[]> {
  const { rows } = await pool.query(`select ${COLUMNS} from cohorts where project_id = $1 order by lower(name), id`, [projectId]);
  return rows.map(summary);
}

export async function getCohort(pool: pg.Pool | pg.ClientBase, projectId: string, id: string): Promise<CohortDetail | null> {
  const { rows } = await pool.query(`select ${COLUMNS}, definition from cohorts where project_id = $1 and id = $2`, [projectId, id]);
  if (!rows[0]) return null;
  const all = await pool.query(`select id, name, definition from cohorts where project_id = $1 and definition is not null`, [projectId]);
  const usedBy = all.rows
    .filter((r) => {
      const parsed = cohortDefinition.safeParse(r.definition);
      return parsed.success && referencedCohorts(parsed.data).includes(id);
    })
    .map((r) => ({ id: r.id as string, name: r.name as string }));
  return { ...summary(rows[0]), definition: rows[0].definition ?? null, usedBy };
}

/** Serializes cohort writes of one project, so two edits cannot close a cycle between them. */
async function lockProjectCohorts(client: pg.ClientBase, projectId: string) {
  await client.query(`select pg_advisory_xact_lock(hashtextextended('cohorts:' || $1, 0))`, [projectId]);
}

/**
 * Every cohort a definition refers to must exist in the project, and following references from
 * it must never come back to `selfId` (a cohort defined through itself has no fixed point).
 */
export async function validateReferences(client: pg.ClientBase | pg.Pool, projectId: string, selfId: string | null, def: RuleGroup) {
  const { rows } = await client.query(`select id, name, definition from cohorts where project_id = $1`, [projectId]);
  const byId = new Map<string, { name: string; refs: string[] }>();
  for (const r of rows) {
    const parsed = r.definition ? cohortDefinition.safeParse(r.definition) : null;
    byId.set(r.id, { name: r.name, refs: parsed?.success ? referencedCohorts(parsed.data) : [] });
  }
  const direct = referencedCohorts(def);
  for (const id of direct) {
    if (!byId.has(id)) throw new QueryInputError("definition", `refers to cohort ${id}, which does not exist in this project`);
  }
  if (!selfId) return;
  const selfName = byId.get(selfId)?.name ?? "this cohort";
  const seen = new Set<string>();
  const walk = (id: string, trail: string[]): void => {
    if (id === selfId) {
      throw new QueryInputError("definition", `cohort rules would form a cycle: ${[selfName, ...trail].join(" -> ")}`);
    }
    if (seen.has(id)) return;
    seen.add(id);
    for (const next of byId.get(id)?.refs ?? []) walk(next, [...trail, byId.get(next)?.name ?? next]);
  };
  for (const id of direct) walk(id, [byId.get(id)!.name]);
}

export async function createCohort(
  pool: pg.Pool,
  projectId: string,
  input: CreateCohortInput,
  opts: { createdById?: string | null; now?: Date } = {},
): Promise<{ cohort: CohortDetail; computed: RecomputeResult | null }> {
  const id = randomUUID();
  // One transaction: a definition that fails to compute (say, an invalid regex) leaves nothing behind.
  const computed = await inTransaction(pool, async (client) => {
    await lockProjectCohorts(client, projectId);
    if (input.kind === "dynamic") await validateReferences(client, projectId, null, input.definition);
    await client.query(
      `insert into cohorts (id, project_id, name, description, kind, definition, created_by_id, updated_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, now())`,
      [id, projectId, input.name, input.description, input.kind, input.kind === "dynamic" ? JSON.stringify(input.definition) : null, opts.createdById ?? null],
    );
    return input.kind === "dynamic" ? await recomputeIn(client, id, opts.now ?? new Date()) : null;
  });
  return { cohort: (await getCohort(pool, projectId, id))!, computed };
}

/** Renames / redescribes a cohort, or changes a dynamic cohort's rules (then recomputes it). Null when absent. */
export async function updateCohort(
  pool: pg.Pool,
  projectId: string,
  input: UpdateCohortInput,
  opts: { now?: Date } = {},
): Promise<{ cohort: CohortDetail; computed: RecomputeResult | null } | null> {
  const found = await inTransaction(pool, async (client) => {
    await lockProjectCohorts(client, projectId);
    const { rows } = await client.query(`select kind from cohorts where project_id = $1 and id = $2 for update`, [projectId, input.id]);
    if (!rows[0]) return null;
    if (input.definition) {
      if (rows[0].kind !== "dynamic") throw new QueryInputError("definition", "a static cohort has no rules; upload a CSV instead");
      await validateReferences(client, projectId, input.id, input.definition);
    }
    await client.query(
      `update cohorts set name = coalesce($3, name), description = coalesce($4, description),
              definition = coalesce($5::jsonb, definition), updated_at = now()
        where project_id = $1 and id = $2`,
      [projectId, input.id, input.name ?? null, input.description ?? null, input.definition ? JSON.stringify(input.definition) : null],
    );
    return { computed: input.definition ? await recomputeIn(client, input.id, opts.now ?? new Date()) : null };
  });
  if (!found) return null;
  return { cohort: (await getCohort(pool, projectId, input.id))!, computed: found.computed };
}

/** Deletes a cohort and its members; refuses while another cohort's rules refer to it. False when absent. */
export async function deleteCohort(pool: pg.Pool, projectId: string, id: string): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    await lockProjectCohorts(client, projectId);
    const cohort = await getCohort(client, projectId, id);
    if (!cohort) return false;
    if (cohort.usedBy.length > 0) {
      throw new QueryInputError("id", `cohort is used by ${cohort.usedBy.map((c) => `"${c.name}"`).join(", ")}; change those rules first`);
    }
    await client.query(`delete from cohort_members where cohort_id = $1`, [id]);
    await client.query(`delete from cohorts where id = $1`, [id]);
    return true;
  });
}

export interface CohortMember {
  personId: string;
  distinctIds: string[];
  properties: Record<string, unknown>;
  addedAt: string;
}

/** One page of members ordered by person id (keyset: pass the last id as `cursor`). */
export async function listMembers(pool: pg.Pool, projectId: string, cohortId: string, opts: { cursor?: string; limit: number }) {
  const { rows } = await pool.query(
    `select cm.person_id, cm.added_at, coalesce(p.properties, '{}'::jsonb) as properties,
            coalesce((select array_agg(d.distinct_id order by d.created_at, d.distinct_id) from
                        (select distinct_id, created_at from person_distinct_ids
                          where project_id = cm.project_id and person_id = cm.person_id order by created_at, distinct_id limit 5) d), '{}') as distinct_ids
       from cohort_members cm left join persons p on p.id = cm.person_id
      where cm.project_id = $1 and cm.cohort_id = $2 and ($3::uuid is null or cm.person_id > $3::uuid)
      order by cm.person_id limit $4`,
    [projectId, cohortId, opts.cursor ?? null, opts.limit + 1],
  );
  const page = rows.slice(0, opts.limit).map(
    (r): CohortMember => ({
      personId: r.person_id,
      distinctIds: r.distinct_ids,
      properties: r.properties,
      addedAt: new Date(r.added_at).toISOString(),
    }),
  );
  return { members: page, nextCursor: rows.length > opts.limit ? page[page.length - 1]!.personId : null };
}
