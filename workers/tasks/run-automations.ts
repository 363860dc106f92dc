import { runAutomations } from "../../server/automations/run";
import type { TaskHandler } from "../define-task";

export const runAutomationsTask: TaskHandler<"run_automations"> = async (payload, { deps, helpers }) => {
  const run = await runAutomations(deps, { automationId: payload.automationId });
  // Retries are scheduled for when the earliest one is due (the per-minute cron is the safety net).
  if (run.retrying > 0 && run.nextDueAt) {
    await helpers.addJob("run_automations", {}, { jobKey: "run_automations", jobKeyMode: "replace", runAt: run.nextDueAt });
  }
  return { scanned: run.scanned, added: run.added, sent: run.sent, skipped: run.skipped, retrying: run.retrying, failed: run.failed };
};
