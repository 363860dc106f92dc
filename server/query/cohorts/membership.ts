import type pg from "pg";
import { render, sql, type Sql } from "../sql";
import { compileCohort } from "./compile";
import { cohortDefinition } from "./schema";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RecomputeResult {
  cohortId: string;
  kind: string;
  memberCount: number;
  added: number;
  removed: number;
  computedAt: string;
}

/** Runs `fn` in one transaction on a client of the pool. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const out = await fn(client);
    await client.query("commit");
    return out;
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function q(client: pg.ClientBase, fragment: Sql) {
  const { text, values } = render(fragment);
  return client.query(text, values);
}

/**
 * Replaces a cohort's membership with `fresh` (a SELECT of `person_id`s) in the caller's
 * transaction: members that left are deleted, new ones inserted, the others keep their
 * `added_at`. Running it twice on the same data changes nothing the second time.
 */
export async function replaceMembers(client: pg.ClientBase, cohortId: string, projectId: string, fresh: Sql) {
  const { rows } = await q(
    client,
    sql`with fresh as (${fresh}),
      del as (delete from cohort_members cm where cm.cohort_id = ${cohortId}::uuid
                and not exists (select 1 from fresh f where f.person_id = cm.person_id) returning 1),
      ins as (insert into cohort_members (cohort_id, project_id, person_id)
                select ${cohortId}::uuid, ${projectId}::uuid, f.person_id from fresh f
                on conflict (cohort_id, person_id) do nothing returning 1)
      select (select count(*) from ins)::int as added, (select count(*) from del)::int as removed`,
  );
  return rows[0] as { added: number; removed: number };
}

/** Members recorded before a merge become the person they were merged into. */
async function canonicalizeMembers(client: pg.ClientBase, cohortId: string) {
  const { rows } = await q(
    client,
    sql`with moved as (
        delete from cohort_members cm using person_merges pm
         where cm.cohort_id = ${cohortId}::uuid and pm.project_id = cm.project_id and pm.from_person_id = cm.person_id
        returning cm.project_id, pm.to_person_id)
      insert into cohort_members (cohort_id, project_id, person_id)
      select distinct ${cohortId}::uuid, project_id, to_person_id from moved
      on conflict (cohort_id, person_id) do nothing`,
  );
  return rows.length;
}

/** Sets member_count / computed_at from the table, in the caller's transaction. */
export async function recordCount(client: pg.ClientBase, cohortId: string): Promise<{ memberCount: number; computedAt: string }> {
  const { rows } = await client.query(
    `update cohorts set member_count = (select count(*) from cohort_members where cohort_id = $1),
            computed_at = now()
      where id = $1 returning member_count, computed_at`,
    [cohortId],
  );
  return { memberCount: rows[0].member_count, computedAt: new Date(rows[0].computed_at).toISOString() };
}

/**
 * Recomputes one cohort in one transaction: a dynamic cohort's rule tree is evaluated by SQL and
 * replaces its membership; a static cohort keeps its uploaded members, re-pointed through merges.
 * The cohort row is locked first, so two recomputes of the same cohort run one after the other.
 * Returns null when the cohort does not exist.
 */
export async function recomputeCohort(pool: pg.Pool, cohortId: string, opts: { now?: Date } = {}): Promise<RecomputeResult | null> {
  return inTransaction(pool, (client) => recomputeIn(client, cohortId, opts.now ?? new Date()));
}

/** `recomputeCohort` inside the caller's transaction (create / update compute with their write). */
export async function recomputeIn(client: pg.ClientBase, cohortId: string, now: Date): Promise<RecomputeResult | null> {
  const { rows } = await client.query(
    `select c.id, c.project_id, c.kind, c.definition, p.timezone
       from cohorts c join projects p on p.id = c.project_id where c.id = $1 for update of c`,
    [cohortId],
  );
  const cohort = rows[0];
  if (!cohort) return null;
  let added = 0;
  let removed = 0;
  if (cohort.kind === "dynamic") {
    const def = cohortDefinition.parse(cohort.definition);
    const fresh = compileCohort(def, { projectId: cohort.project_id, timezone: cohort.timezone, now });
    ({ added, removed } = await replaceMembers(client, cohortId, cohort.project_id, fresh));
  } else {
    await canonicalizeMembers(client, cohortId);
  }
  const counted = await recordCount(client, cohortId);
  return { cohortId, kind: cohort.kind, added, removed, ...counted };
}

/**
 * Cohort ids of a project in an order where every cohort comes after the cohorts its rules refer
 * to (definitions are kept acyclic on write; a cycle that slipped in is broken arbitrarily).
 */
export async function cohortsInDependencyOrder(pool: pg.Pool, projectId?: string): Promise<string[]> {
  const { rows } = await pool.query(
    `select id, definition from cohorts where ($1::uuid is null or project_id = $1::uuid) order by created_at, id`,
    [projectId ?? null],
  );
  const deps = new Map<string, string[]>();
  for (const r of rows) {
    const parsed = r.definition ? cohortDefinition.safeParse(r.definition) : null;
    deps.set(r.id, parsed?.success ? refsOf(parsed.data) : []);
  }
  const out: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string) => {
    if (state.has(id) || !deps.has(id)) return;
    state.set(id, "visiting");
    for (const d of deps.get(id)!) visit(d);
    state.set(id, "done");
    out.push(id);
  };
  for (const id of deps.keys()) visit(id);
  return out;
}

function refsOf(def: import("./schema").RuleGroup): string[] {
  return def.rules.flatMap((r) => (r.type === "group" ? refsOf(r) : r.type === "cohort" ? [r.cohortId] : []));
}

/** Recomputes every cohort (of one project, or all), dependencies first. Failures are collected, not fatal. */
export async function recomputeAllCohorts(pool: pg.Pool, opts: { projectId?: string; now?: Date } = {}) {
  const ids = await cohortsInDependencyOrder(pool, opts.projectId);
  const done: RecomputeResult[] = [];
  const failed: { cohortId: string; error: string }[] = [];
  for (const id of ids) {
    try {
      const r = await recomputeCohort(pool, id, { now: opts.now });
      if (r) done.push(r);
    } catch (err) {
      failed.push({ cohortId: id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { done, failed };
}

/**
 * True when the person (any id of theirs, merged ones included) is a member of the cohort as last
 * computed. For feature flags and other per-person checks.
 */
export async function isPersonInCohort(pool: pg.Pool, projectId: string, cohortId: string, personId: string): Promise<boolean> {
  if (![projectId, cohortId, personId].every((id) => UUID_RE.test(id))) return false;
  const { rows } = await pool.query(
    `select exists (
       select 1 from cohort_members cm
        where cm.cohort_id = $2 and cm.project_id = $1
          and cm.person_id = coalesce((select to_person_id from person_merges where project_id = $1 and from_person_id = $3), $3)
     ) as member`,
    [projectId, cohortId, personId],
  );
  return rows[0].member === true;
}
