import type pg from "pg";

/**
 * The data watermark of a project: the newest `inserted_at` in `events`, plus the newest person
 * merge, cohort recompute and erasure (answers change with those too, without new events).
 *
 * Write transactions stamp `inserted_at` when they start, so one that started earlier can commit
 * later with an older stamp than the newest seen. Group-commit transactions last milliseconds;
 * still, the watermark is only `settled` once the newest stamp is `SLACK_MS` old, and the result
 * cache stores answers only at a settled watermark. While events keep arriving every answer is
 * fresh anyway. With the BRIN index on `inserted_at`, each call reads only what arrived since
 * the last call.
 */
export const SLACK_MS = 10_000;
const known = new Map<string, number>();

export interface Watermark {
  /** ISO of the newest `inserted_at`, or null when the project has no events. */
  at: string | null;
  /** Cache-key form: changes whenever events were added, persons merged, cohorts recomputed or persons erased. */
  key: string;
  /** True when no write can still commit below `at` (the newest stamp is older than SLACK_MS). */
  settled: boolean;
}

export async function dataWatermark(pool: pg.Pool, projectId: string): Promise<Watermark> {
  const since = known.get(projectId);
  const floor = since === undefined ? null : new Date(since - SLACK_MS);
  const { rows } = await pool.query<{ max: Date | null; db_now: Date; merged: Date | null; cohorts: Date | null; erased: Date | null }>(
    `select (select max(inserted_at) from events where project_id = $1 and ($2::timestamptz is null or inserted_at >= $2)) as max,
            clock_timestamp() as db_now,
            (select max(merged_at) from person_merges where project_id = $1) as merged,
            (select max(computed_at) from cohorts where project_id = $1) as cohorts,
            (select max(at) from audit_logs where project_id = $1 and action = 'person.erased') as erased`,
    [projectId, floor],
  );
  const r = rows[0]!;
  const newest = Math.max(r.max?.getTime() ?? 0, since ?? 0);
  if (newest === 0) return { at: null, key: "empty", settled: true };
  known.set(projectId, newest);
  const stamp = (d: Date | null) => (d ? d.getTime() : 0);
  return {
    at: new Date(newest).toISOString(),
    key: `${newest}:${stamp(r.merged)}:${stamp(r.cohorts)}:${stamp(r.erased)}`,
    settled: r.db_now.getTime() - newest > SLACK_MS,
  };
}

/** Forget what is known (tests that rewrite history). */
export function resetWatermarks(): void {
  known.clear();
}
