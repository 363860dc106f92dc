import type pg from "pg";
import { latestRunAtOrBefore, nextRunAt } from "./cron";

export interface ClaimedSlot {
  runId: string;
  reportId: string;
  scheduledFor: Date;
}

/**
 * Turns due cron slots into pending runs, each slot exactly once however many workers call this
 * at the same time. Per due report, one transaction: a compare-and-set update moves
 * `next_run_at` from the value this caller read to the next slot (only one caller can win it),
 * then the run row is inserted; the unique (report_id, scheduled_for) index refuses a second run
 * of the same slot even if the report was edited in between. A worker that was down runs only
 * the latest missed slot, not every one it missed.
 */
export async function claimDueSlots(pool: pg.Pool, now: Date, opts: { limit?: number } = {}): Promise<ClaimedSlot[]> {
  const { rows: due } = await pool.query<{ id: string; cron: string; timezone: string; next_run_at: Date }>(
    `select id, cron, timezone, next_run_at from scheduled_reports
      where enabled and next_run_at is not null and next_run_at <= $1
      order by next_run_at limit $2`,
    [now, opts.limit ?? 100],
  );
  const claimed: ClaimedSlot[] = [];
  for (const r of due) {
    let slot: Date;
    let next: Date | null;
    try {
      slot = latestRunAtOrBefore(r.cron, r.timezone, now) ?? r.next_run_at;
      if (slot < r.next_run_at) slot = r.next_run_at;
      next = nextRunAt(r.cron, r.timezone, now);
    } catch {
      // An expression that no longer parses (e.g. a time zone removed from the system): stop scheduling it.
      await pool.query(`update scheduled_reports set next_run_at = null where id = $1 and next_run_at = $2`, [r.id, r.next_run_at]);
      continue;
    }
    const client = await pool.connect();
    try {
      await client.query("begin");
      const won = await client.query(
        `update scheduled_reports set next_run_at = $3, last_run_at = $4, updated_at = now()
          where id = $1 and enabled and next_run_at = $2`,
        [r.id, r.next_run_at, next, slot],
      );
      if (won.rowCount === 1) {
        const run = await client.query<{ id: string }>(
          `insert into report_runs (id, report_id, trigger, scheduled_for, status)
           values (gen_random_uuid(), $1, 'cron', $2, 'pending')
           on conflict (report_id, scheduled_for) do nothing returning id`,
          [r.id, slot],
        );
        if (run.rows[0]) claimed.push({ runId: run.rows[0].id, reportId: r.id, scheduledFor: slot });
      }
      await client.query("commit");
    } catch (err) {
      await client.query("rollback").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  return claimed;
}
