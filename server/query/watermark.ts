import type pg from "pg";

/**
 * The data watermark of a project: the newest `inserted_at` in `events` and how many rows carry
 * an `inserted_at` within `SLACK_MS` of it. Write transactions take `inserted_at` when they
 * start, so one that started earlier can commit later with an older stamp: the count catches it.
 * With the BRIN index on `inserted_at`, each call reads only what arrived since the last call.
 * The key also moves with the newest person merge, cohort recompute and erasure of the project.
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
  // Answers change without new events too: identify/alias merges, cohort recomputes, erasures.
  const { rows: recent } = await pool.query<{ n: string; merged: Date | null; cohorts: Date | null; erased: Date | null }>(
    `select count(*) as n,
            (select max(merged_at) from person_merges where project_id = $1) as merged,
            (select max(computed_at) from cohorts where project_id = $1) as cohorts,
            (select max(at) from audit_logs where project_id = $1 and action = 'person.erased') as erased
       from events where project_id = $1 and inserted_at >= $2`,
    [projectId, new Date(max.getTime() - SLACK_MS)],
  );
  const r = recent[0]!;
  const stamp = (d: Date | null) => (d ? d.getTime() : 0);
  return { at: max.toISOString(), key: `${max.getTime()}:${r.n}:${stamp(r.merged)}:${stamp(r.cohorts)}:${stamp(r.erased)}` };
}

/** Forget what is known (tests that rewrite history; erasure). */
export function resetWatermarks(): void {
  known.clear();
}
