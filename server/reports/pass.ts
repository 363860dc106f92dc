import type { Deps } from "../deps";
import { claimDueSlots } from "./claim";
import { sendDueEmails, type EmailPass } from "./email";
import { executeRun, failStaleRuns, type RunOutcome } from "./execute";

export interface ReportsPass {
  claimed: number;
  runs: RunOutcome[];
  interrupted: number;
  email: EmailPass;
}

/**
 * What the run_reports job does each minute: claim the due cron slots, execute every pending
 * run (cron or manual; one report's only when `reportId` is given), then send the due emails.
 */
export async function runReportsPass(deps: Pick<Deps, "db" | "config" | "logger">, opts: { now?: Date; reportId?: string } = {}): Promise<ReportsPass> {
  const now = opts.now ?? new Date();
  const { pool } = deps.db;
  const interrupted = await failStaleRuns(pool, now);
  const claimed = await claimDueSlots(pool, now);
  const { rows: pending } = await pool.query<{ id: string }>(
    `select id from report_runs where status = 'pending' and ($1::uuid is null or report_id = $1) order by created_at limit 50`,
    [opts.reportId ?? null],
  );
  const runs: RunOutcome[] = [];
  for (const { id } of pending) {
    const outcome = await executeRun(deps, id, now);
    if (outcome) runs.push(outcome);
  }
  const email = await sendDueEmails(deps, now);
  return { claimed: claimed.length, runs, interrupted, email };
}
