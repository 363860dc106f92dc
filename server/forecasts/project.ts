import type pg from "pg";
import type { ProjectForQuery } from "../query/run";

export async function projectForQuery(pool: pg.Pool, projectId: string): Promise<ProjectForQuery | null> {
  const { rows } = await pool.query<ProjectForQuery>(`select id, timezone, test_account_filters as "testAccountFilters" from projects where id = $1`, [projectId]);
  return rows[0] ?? null;
}

export async function allProjectIds(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(`select id from projects order by created_at, id`);
  return rows.map((r) => r.id);
}
