import { runReportsPass } from "../../server/reports/pass";
import type { TaskHandler } from "../define-task";

export const runReportsTask: TaskHandler<"run_reports"> = async (payload, { deps, helpers }) => {
  const pass = await runReportsPass(deps, { reportId: payload.reportId });
  // Email retries are scheduled for when the earliest one is due (the per-minute cron is the safety net).
  if (pass.email.retrying > 0 && pass.email.nextDueAt) {
    await helpers.addJob("run_reports", {}, { jobKey: "run_reports_retry", jobKeyMode: "replace", runAt: pass.email.nextDueAt });
  }
  return {
    claimed: pass.claimed,
    completed: pass.runs.filter((r) => r.status === "completed").length,
    failed: pass.runs.filter((r) => r.status === "failed").length,
    interrupted: pass.interrupted,
    emailsSent: pass.email.sent,
    emailsRetrying: pass.email.retrying,
    emailsFailed: pass.email.failed,
  };
};
