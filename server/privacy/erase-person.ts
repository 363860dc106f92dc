import type pg from "pg";
import { sha256 } from "../auth/tokens";
import { PERSON_ROWS, resolvePersonScope, scopeParams, type PersonScope } from "./person-scope";
import { otherPersonTables, otherTableCondition, quoteTable, type OtherPersonTable, type PersonTableName } from "./person-tables";
import type { PersonRef } from "./schemas";

/** Rows per table; the five person tables always, plus any other table that held person rows. */
export type TableCounts = Record<PersonTableName, number> & Record<string, number>;

export interface ErasureReceipt {
  projectId: string;
  personId: string;
  /** Person ids that had been merged into `personId` (their rows were erased too). */
  mergedPersonIds: string[];
  distinctIds: string[];
  /** sha256 of the sorted distinct ids joined by "\n": what the audit log keeps instead of the ids. */
  distinctIdsSha256: string;
  deleted: TableCounts;
  /** Counted again after the deletes, inside the same transaction: every count is zero. */
  verified: { remaining: TableCounts };
  /** The audit log entry (`person.erased`) recording this erasure. */
  auditLogId: string;
  erasedAt: string;
}

export interface EraseOptions {
  projectId: string;
  ref: PersonRef;
  actorId: string | null;
  ip?: string | null;
}

export const hashDistinctIds = (ids: string[]) => sha256([...ids].sort().join("\n"));

const RETRYABLE = new Set(["40P01", "40001"]);

/**
 * Erases a person in one transaction: their events in every partition (by person id, merged
 * person ids and distinct ids), the events' `event_uuids`, distinct ids, merge records, the
 * person row, and rows of any other table with person_id / distinct_id columns. Then counts
 * again in the same transaction and refuses to commit unless nothing is left, and records the
 * receipt in the audit log (counts and hashes, never the raw ids). Null when nobody matches.
 */
export async function erasePerson(pool: pg.Pool, opts: EraseOptions): Promise<ErasureReceipt | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await eraseOnce(pool, opts);
    } catch (err) {
      if (attempt < 3 && RETRYABLE.has((err as { code?: string }).code ?? "")) continue;
      throw err;
    }
  }
}

async function eraseOnce(pool: pg.Pool, opts: EraseOptions): Promise<ErasureReceipt | null> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const scope = await resolvePersonScope(client, opts.projectId, opts.ref, { lock: true });
    if (!scope) {
      await client.query("rollback");
      return null;
    }
    const others = await otherPersonTables(client);
    await client.query(`create temp table erased_event_uuids (uuid uuid primary key) on commit drop`);

    let deleted = await deleteRows(client, scope, others);
    let remaining = await countRows(client, scope, others);
    // Capture may commit an event for this person while we work; a second pass takes it too.
    if (total(remaining) > 0) {
      deleted = add(deleted, await deleteRows(client, scope, others));
      remaining = await countRows(client, scope, others);
    }
    if (total(remaining) > 0) {
      throw new Error(`erasure not verified: rows remain (${JSON.stringify(remaining)}); nothing was deleted`);
    }

    const erasedAt = new Date();
    const distinctIdsSha256 = hashDistinctIds(scope.distinctIds);
    const { rows } = await client.query(
      `insert into audit_logs (at, actor_id, project_id, action, target_type, target_id, details, ip)
       values ($1, $2, $3, 'person.erased', 'person', $4, $5::jsonb, $6) returning id::text`,
      [
        erasedAt,
        opts.actorId,
        scope.projectId,
        distinctIdsSha256,
        JSON.stringify({
          distinctIdsSha256,
          distinctIdSha256s: scope.distinctIds.map(sha256).sort(),
          mergedPersons: scope.personIds.length - 1,
          deleted,
          remaining,
        }),
        opts.ip ?? null,
      ],
    );
    await client.query("commit");
    return {
      projectId: scope.projectId,
      personId: scope.personId,
      mergedPersonIds: scope.personIds.slice(1),
      distinctIds: scope.distinctIds,
      distinctIdsSha256,
      deleted,
      verified: { remaining },
      auditLogId: rows[0].id,
      erasedAt: erasedAt.toISOString(),
    };
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const count = (r: pg.QueryResult) => r.rowCount ?? 0;

async function deleteRows(client: pg.PoolClient, scope: PersonScope, others: OtherPersonTable[]): Promise<TableCounts> {
  const p = scopeParams(scope);
  await client.query(
    `insert into erased_event_uuids select distinct uuid from events where ${PERSON_ROWS} on conflict do nothing`,
    p,
  );
  // Aggregate rollups hold no ids but still count the person: the days they were active are
  // marked stale so the next rollup refresh recounts them without the erased events.
  await client.query(
    `delete from rollup_day_states s
      where s.project_id = $1
        and exists (select 1 from events where ${PERSON_ROWS} and (timestamp at time zone s.timezone)::date = s.day)`,
    p,
  );
  const out: Record<string, number> = {
    events: count(await client.query(`delete from events where ${PERSON_ROWS}`, p)),
    event_uuids: count(
      await client.query(`delete from event_uuids u using erased_event_uuids e where u.project_id = $1 and u.uuid = e.uuid`, [scope.projectId]),
    ),
    person_distinct_ids: count(await client.query(`delete from person_distinct_ids where ${PERSON_ROWS}`, p)),
    person_merges: count(
      await client.query(
        `delete from person_merges where project_id = $1 and (from_person_id = any($2::uuid[]) or to_person_id = any($2::uuid[]))`,
        [scope.projectId, scope.personIds],
      ),
    ),
    persons: count(await client.query(`delete from persons where project_id = $1 and id = any($2::uuid[])`, [scope.projectId, scope.personIds])),
  };
  for (const t of others) {
    const { where, params } = otherTableCondition(t, scope);
    out[t.table] = count(await client.query(`delete from ${quoteTable(t.table)} where ${where}`, params));
  }
  return out as TableCounts;
}

async function countRows(client: pg.PoolClient, scope: PersonScope, others: OtherPersonTable[]): Promise<TableCounts> {
  const p = scopeParams(scope);
  const n = async (sql: string, params: unknown[]) => Number((await client.query(sql, params)).rows[0].n);
  const out: Record<string, number> = {
    events: await n(
      `select count(*) as n from events where (${PERSON_ROWS}) or (project_id = $1 and uuid in (select uuid from erased_event_uuids))`,
      p,
    ),
    event_uuids: await n(
      `select count(*) as n from event_uuids u join erased_event_uuids e on e.uuid = u.uuid where u.project_id = $1`,
      [scope.projectId],
    ),
    person_distinct_ids: await n(`select count(*) as n from person_distinct_ids where ${PERSON_ROWS}`, p),
    person_merges: await n(
      `select count(*) as n from person_merges where project_id = $1 and (from_person_id = any($2::uuid[]) or to_person_id = any($2::uuid[]))`,
      [scope.projectId, scope.personIds],
    ),
    persons: await n(`select count(*) as n from persons where project_id = $1 and id = any($2::uuid[])`, [scope.projectId, scope.personIds]),
  };
  for (const t of others) {
    const { where, params } = otherTableCondition(t, scope);
    out[t.table] = await n(`select count(*) as n from ${quoteTable(t.table)} where ${where}`, params);
  }
  return out as TableCounts;
}

const total = (c: TableCounts) => Object.values(c).reduce((a, b) => a + b, 0);

function add(a: TableCounts, b: TableCounts): TableCounts {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out as TableCounts;
}

