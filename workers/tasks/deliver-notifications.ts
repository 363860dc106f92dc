import { deliverDue } from "../../server/channels/deliveries";
import type { TaskHandler } from "../define-task";

export const deliverNotificationsTask: TaskHandler<"deliver_notifications"> = async (_payload, { deps, helpers }) => {
  const pass = await deliverDue(deps);
  // Retries are scheduled for when the earliest one is due (the per-minute cron is the safety net).
  if (pass.retrying > 0 && pass.nextDueAt) {
    await helpers.addJob("deliver_notifications", {}, { jobKey: "deliver_notifications", jobKeyMode: "replace", runAt: pass.nextDueAt });
  }
  return { sent: pass.sent, retrying: pass.retrying, failed: pass.failed };
};
