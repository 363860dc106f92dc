import type pg from "pg";

/**
 * The data watermark of a project: the newest `inserted_at` in `events` and how many rows carry
 * an `inserted_at` within `SLACK_MS` of it. Write transactions take `inserted_at` when they
 * start, so one that started earlier can commit later with an older stamp: the count catches it.
 * With the BRIN index on `inserted_at`, each call reads only what arrived since the last call.
 */
const SLACK_MS = 10_000;
const known = new Map<string, number>();

export interface Watermark {
  /** ISO of the newest `inserted_at`, or null when the project has no events. */
  at: string | null;
  /** Cache-key form: changes whenever events were added. */
  key: string;
}

export async function dataWatermark(pool: pg.Pool, projectId: string): Promise<Watermark> {
  const since = known.get(projectId);
  const floor = since === undefined ? null : new Date(since - SLACK_MS);
  const { rows } = await pool.query<{ max: Date | null }>(
    floor
      ? `select max(inserted_at) as max from events where project_id = $1 and inserted_at >= $2`
      : `select max(inserted_at) as max from events where project_id = $1`,
    floor ? [projectId, floor] : [projectId],
  );
  const max = rows[0]?.max ?? (since === undefined ? null : new Date(since));
  if (!max) return { at: null, key: "empty" };
  known.set(projectId, Math.max(max.getTime(), since ?? 0));
  const { rows: recent } = await pool.query<{ n: string }>(
    `select count(*) as n from events where project_id = $1 and inserted_at >= $2`,
    [projectId, new Date(max.getTime() - SLACK_MS)],
  );
  return { at: max.toISOString(), key: `${max.getTime()}:${recent[0]!.n}` };
}

/** Forget what is known (tests that rewrite history; erasure). */
export function resetWatermarks(): void {
  known.clear();
}
