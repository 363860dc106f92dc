import { runAutomations } from "../../server/automations/run";
import type { TaskHandler } from "../define-task";

export const runAutomationsTask: TaskHandler<"run_automations"> = async (payload, { deps, helpers }) => {
  const run = await runAutomations(deps, { automationId: payload.automationId });
  // The next firing (a delay or a retry) gets a run of its own at its time; the per-minute cron keeps
  // scanning. A key apart from the cron's, which preserves its run time and must not be pushed back.
  if (run.nextDueAt) {
    await helpers.addJob("run_automations", {}, { jobKey: "run_automations:next", jobKeyMode: "replace", runAt: run.nextDueAt });
  }
  return { scanned: run.scanned, added: run.added, sent: run.sent, skipped: run.skipped, retrying: run.retrying, failed: run.failed };
};
